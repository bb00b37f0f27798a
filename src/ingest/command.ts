import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { nonNegativeInt, positiveInt } from '../command/parsers.js';
import { KAFKA_GROUP_OPTION, KAFKA_OPTIONS, LANDING_URL_OPTION, METRICS_PORT_OPTION } from '../command/shared-options.js';
import { OFFSET_RESET_POLICIES } from './offset-reset.js';
import { INGEST_DEFAULTS } from './options.js';
import { SPARK_CONF, SPARK_DEFAULTS } from './engines/spark/spark-options.js';

export const INGEST_OPTIONS = defineOptions({
  engine: { flags: '--engine <engine>', description: 'ingestion engine', choices: ['node', 'spark'], defaultValue: 'node', env: 'TURNOVER_INGEST_ENGINE' },
  master: { flags: '--master <url>', description: 'with --engine spark: Spark master URL (local[*], spark://…, yarn, k8s://…); see docs/spark.md', env: 'TURNOVER_SPARK_MASTER', defaultValue: SPARK_DEFAULTS.master },
  conf: {
    flags: '--conf <key=value>',
    description: 'with --engine spark: a Spark setting, repeatable (e.g. spark.driver.memory=2g, spark.turnover.maxRecordsPerBatch=100000)',
    repeatable: true,
    schema: SPARK_CONF,
  },
  ...KAFKA_OPTIONS,
  ...KAFKA_GROUP_OPTION,
  ...LANDING_URL_OPTION,
  ...METRICS_PORT_OPTION,
  batchRows: { flags: '--batch-rows <n>', description: 'rows per landing transaction', env: 'TURNOVER_INGEST_BATCH_ROWS', defaultValue: INGEST_DEFAULTS.batchRows, schema: positiveInt('--batch-rows') },
  bufferMb: { flags: '--buffer-mb <n>', description: 'encoded rows waiting for PostgreSQL before fetching pauses (bounds memory)', env: 'TURNOVER_INGEST_BUFFER_MB', defaultValue: INGEST_DEFAULTS.bufferMb, schema: positiveInt('--buffer-mb') },
  fetchKbPerPartition: { flags: '--fetch-kb-per-partition <n>', description: 'data of one partition per fetch', env: 'TURNOVER_INGEST_FETCH_KB', defaultValue: INGEST_DEFAULTS.fetchKbPerPartition, schema: positiveInt('--fetch-kb-per-partition') },
  sessionTimeoutMs: { flags: '--session-timeout-ms <ms>', description: 'the group reassigns a silent member\'s partitions after this long', env: 'TURNOVER_KAFKA_SESSION_TIMEOUT_MS', defaultValue: INGEST_DEFAULTS.sessionTimeoutMs, schema: positiveInt('--session-timeout-ms') },
  onOffsetReset: {
    flags: '--on-offset-reset <policy>',
    description:
      'when the stored offsets no longer fit Kafka\'s log (the topic was deleted and created again, or its log truncated below them): ' +
      'stop (exit 9, nothing written), earliest (open a new incarnation of the topic and land its log from the first offset) or ' +
      'latest (from its end, skipping what it holds). A retention gap always continues at the earliest offset. See docs/ingest.md',
    choices: OFFSET_RESET_POLICIES,
    defaultValue: 'stop',
    env: 'TURNOVER_INGEST_ON_OFFSET_RESET',
  },
  truncationGrace: {
    flags: '--truncation-grace <seconds>',
    description:
      'how long a stored offset past the end of Kafka\'s log is checked again before it counts as truncation: a broker restarted ' +
      'after a crash reports a lagging high watermark until its next write',
    env: 'TURNOVER_INGEST_TRUNCATION_GRACE',
    defaultValue: INGEST_DEFAULTS.truncationGraceS,
    schema: nonNegativeInt('--truncation-grace'),
  },
  progressInterval: { flags: '--progress-interval <s>', description: 'seconds between progress lines on stderr (0 = none)', env: 'TURNOVER_INGEST_PROGRESS_INTERVAL', defaultValue: INGEST_DEFAULTS.progressIntervalS, schema: nonNegativeInt('--progress-interval') },
});

export type IngestOptions = OptionsOf<typeof INGEST_OPTIONS>;

export const INGEST_COMMAND = defineCommand({
  name: 'ingest',
  summary: 'stream ingester: Kafka -> PostgreSQL raw landing, exactly once',
  description:
    'A consumer-group member that lands every record of the topic byte-exact in raw.kafka_messages, with the ' +
    'group\'s next offsets in raw.consumer_offsets written in the same transaction (PostgreSQL is the source of ' +
    'truth for where to start). Run several in one group to share partitions. Runs until SIGINT/SIGTERM, which ' +
    'lands the batches in flight and exits 0. Needs `turnover migrate --only landing` first. See docs/ingest.md.',
  options: INGEST_OPTIONS,
  load: async () => (await import('./run.js')).ingest,
  examples: [
    'eval "$(npx turnover stack env)" && npx turnover migrate --only landing && npx turnover ingest',
    'npx turnover ingest --engine spark --master "local[2]" --conf spark.driver.memory=2g',
    'TURNOVER_KAFKA_SASL_MECHANISM=scram-sha-512 TURNOVER_KAFKA_SASL_USERNAME=svc TURNOVER_KAFKA_SASL_PASSWORD=… TURNOVER_KAFKA_SSL_CA=ca.pem npx turnover ingest --metrics-port 9464',
  ],
});
