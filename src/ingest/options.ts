import { postgresUrl } from '../db/postgres-url.js';
import { ConfigError } from '../errors.js';
import { kafkaConfigFrom } from '../kafka/kafka-config.js';
import { OFFSET_RESET_POLICIES, type OffsetResetPolicy } from './offset-reset.js';
import type { IngestConfig } from './types.js';

const MB = 1024 * 1024;

/** Defaults measured in bench/ingest (docs/ingest.md explains them). */
export const INGEST_DEFAULTS = Object.freeze({
  batchRows: 20_000,
  bufferMb: 8,
  sessionTimeoutMs: 30_000,
  progressIntervalS: 10,
  fetchKbPerPartition: 1024,
  stopTimeoutMs: 30_000,
  truncationGraceS: 30,
});

/** The one place that turns parsed CLI options (flags with env fallback) into the frozen config. */
export function ingestConfigFrom(options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): IngestConfig {
  const topic = typeof options.topic === 'string' ? options.topic.trim() : '';
  if (!topic) throw new ConfigError('no topic: set TURNOVER_KAFKA_TOPIC or --topic');
  const group = typeof options.group === 'string' ? options.group.trim() : '';
  if (!group) throw new ConfigError('no consumer group: set TURNOVER_KAFKA_GROUP or --group');
  const num = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);
  const bufferBytes = num(options.bufferMb, INGEST_DEFAULTS.bufferMb) * MB;
  const fetchBytes = num(options.fetchKbPerPartition, INGEST_DEFAULTS.fetchKbPerPartition) * 1024;
  return Object.freeze({
    engine: options.engine === 'spark' ? 'spark' : 'node',
    kafka: kafkaConfigFrom(options, env),
    topic,
    group,
    stagingUrl: postgresUrl(options.stagingUrl, 'TURNOVER_LANDING_URL'),
    metricsPort: typeof options.metricsPort === 'number' ? options.metricsPort : undefined,
    writer: Object.freeze({
      maxRows: num(options.batchRows, INGEST_DEFAULTS.batchRows),
      maxTransactionBytes: Math.min(8 * MB, bufferBytes),
      maxQueuedBytes: bufferBytes,
    }),
    sessionTimeoutMs: num(options.sessionTimeoutMs, INGEST_DEFAULTS.sessionTimeoutMs),
    fetchBytesPerPartition: fetchBytes,
    progressIntervalS: num(options.progressInterval, INGEST_DEFAULTS.progressIntervalS),
    onOffsetReset: offsetResetPolicy(options.onOffsetReset),
    truncationGraceMs: num(options.truncationGrace, INGEST_DEFAULTS.truncationGraceS) * 1000,
    stopTimeoutMs: INGEST_DEFAULTS.stopTimeoutMs,
  });
}

function offsetResetPolicy(value: unknown): OffsetResetPolicy {
  if (value === undefined) return 'stop';
  if (OFFSET_RESET_POLICIES.includes(value as OffsetResetPolicy)) return value as OffsetResetPolicy;
  throw new ConfigError(`--on-offset-reset / TURNOVER_INGEST_ON_OFFSET_RESET must be one of ${OFFSET_RESET_POLICIES.join(', ')}, not "${String(value)}"`);
}
