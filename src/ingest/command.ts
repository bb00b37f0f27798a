import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';
import { KAFKA_GROUP_OPTION, KAFKA_OPTIONS, METRICS_PORT_OPTION, STAGING_URL_OPTION } from '../cli/shared-options.js';

export const INGEST_COMMAND: CommandSpec = {
  name: 'ingest',
  summary: 'stream ingester: Kafka -> PostgreSQL raw landing, exactly once',
  options: [
    { flags: '--engine <engine>', description: 'ingestion engine', choices: ['node', 'spark'], defaultValue: 'node', env: 'TURNOVER_INGEST_ENGINE' },
    ...KAFKA_OPTIONS,
    KAFKA_GROUP_OPTION,
    STAGING_URL_OPTION,
    METRICS_PORT_OPTION,
  ],
  load: notImplemented('ingest'),
};
