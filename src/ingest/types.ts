import type { KafkaConfig } from '../kafka/kafka-config.js';
import type { LandingReject } from '../landing/index.js';
import type { OffsetResetPolicy } from './offset-reset.js';

/** Validated, frozen settings of `turnover ingest` (built once in options.ts). */
export interface IngestConfig {
  readonly engine: 'node' | 'spark';
  readonly kafka: KafkaConfig;
  readonly topic: string;
  readonly group: string;
  readonly stagingUrl: string;
  readonly metricsPort: number | undefined;
  readonly writer: WriterLimits;
  readonly sessionTimeoutMs: number;
  /** Upper bound of one partition's data in one fetch. */
  readonly fetchBytesPerPartition: number;
  /** What to do when the stored offsets no longer fit Kafka's log (offset-reset.ts). */
  readonly onOffsetReset: OffsetResetPolicy;
  /** How long a stored offset past the log end may be a restarted broker's lagging high watermark before it counts as truncation. */
  readonly truncationGraceMs: number;
  /** Seconds between progress lines on stderr; 0 = none. */
  readonly progressIntervalS: number;
  /** How long a graceful stop may wait for PostgreSQL to take the last batches. */
  readonly stopTimeoutMs: number;
}

export interface WriterLimits {
  /** Rows per landing transaction (whole fetched batches are never split). */
  readonly maxRows: number;
  readonly maxTransactionBytes: number;
  /** Encoded rows waiting for PostgreSQL; beyond it fetching waits (back-pressure). */
  readonly maxQueuedBytes: number;
}

/** Rows of one partition ready for COPY (and batches to quarantine), and where they move the partition's next offset. */
export interface EncodedChunk {
  /** The topic's incarnation the rows belong to (a transaction holds chunks of one). */
  readonly incarnation: number;
  readonly partition: number;
  /** BatchWriter generation when built; older chunks are dropped after a conflict. */
  readonly generation: number;
  /** PostgreSQL's next offset before these rows (null = no row yet). */
  readonly expected: number | null;
  /** Next offset after what this chunk consumed (records, rejects, transaction markers). */
  readonly next: number;
  readonly rows: number;
  /** Sum of value sizes (for the bytes metric). */
  readonly valueBytes: number;
  readonly bytes: Buffer;
  /** rows + 1 entries: where each row starts in `bytes` (to isolate a row PostgreSQL refuses). */
  readonly rowStarts: Uint32Array;
  readonly rejects: readonly LandingReject[];
}
