import { postgresUrl } from '../db/postgres-url.js';
import { ConfigError } from '../errors.js';
import { kafkaConfigFrom, type KafkaSecrets } from '../kafka/kafka-config.js';
import type { IngestOptions } from './command.js';
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
export function ingestConfigFrom(options: IngestOptions, secrets: KafkaSecrets): IngestConfig {
  const topic = options.topic.trim();
  if (!topic) throw new ConfigError('no topic: set TURNOVER_KAFKA_TOPIC or --topic');
  const group = options.group.trim();
  if (!group) throw new ConfigError('no consumer group: set TURNOVER_KAFKA_GROUP or --group');
  const bufferBytes = options.bufferMb * MB;
  return Object.freeze({
    engine: options.engine,
    kafka: kafkaConfigFrom(options, secrets),
    topic,
    group,
    stagingUrl: postgresUrl(options.stagingUrl, 'TURNOVER_LANDING_URL'),
    metricsPort: options.metricsPort,
    writer: Object.freeze({
      maxRows: options.batchRows,
      maxTransactionBytes: Math.min(8 * MB, bufferBytes),
      maxQueuedBytes: bufferBytes,
    }),
    sessionTimeoutMs: options.sessionTimeoutMs,
    fetchBytesPerPartition: options.fetchKbPerPartition * 1024,
    progressIntervalS: options.progressInterval,
    onOffsetReset: options.onOffsetReset,
    truncationGraceMs: options.truncationGrace * 1000,
    stopTimeoutMs: INGEST_DEFAULTS.stopTimeoutMs,
  });
}
