import type { IngestConfig } from '../../types.js';

/** What `turnover ingest --engine spark` adds to the ingest settings (built once in spark-options.ts). */
export interface SparkLaunchConfig {
  readonly ingest: IngestConfig;
  /** Spark master URL, passed through (`local[*]`, `spark://…`, `yarn`, `k8s://…`). */
  readonly master: string;
  /** Spark settings in the order they are given to spark-submit; later ones win. */
  readonly conf: readonly (readonly [key: string, value: string])[];
  /** Absolute path of the Kafka CA PEM file, when TLS uses a private CA. */
  readonly sslCaPath: string | undefined;
  /** How long a graceful stop may take before the job is killed. */
  readonly stopTimeoutMs: number;
}

/** One line of the job's stdout (spark/turnover_spark/events.py). */
export interface JobEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

/** The incarnation of the topic a job lands in, and Kafka's id of it (null when the broker keeps none). */
export interface JobIncarnation {
  readonly incarnation: number;
  readonly topicId: string | null;
}

/**
 * What the landing's owner (src/ingest/spark-offsets.ts) decides for the
 * launcher: the Spark engine runs the job, the ingest stage judges offsets.
 */
export interface SparkIngestHooks {
  /** Before each start of the job: the incarnation it lands in, after the offsets were found to fit (or reset); undefined when stopped meanwhile. */
  readonly checkOffsets: () => Promise<JobIncarnation | undefined>;
  /** The job stepped over offsets that retention deleted before they landed. */
  readonly retentionGap: (gap: { readonly partition: number; readonly from: number; readonly to: number }) => void;
}
