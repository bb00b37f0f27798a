import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { nonNegativeInt, positiveInt, positiveNumber } from '../command/parsers.js';
import { LANDING_URL_OPTION, UNAVAILABLE_TIMEOUT_OPTION, WAREHOUSE_URL_OPTION } from '../command/shared-options.js';

export const LOAD_STG_OPTIONS = defineOptions({
  ...LANDING_URL_OPTION,
  ...WAREHOUSE_URL_OPTION,
  chunkSize: { flags: '--chunk-size <n>', description: 'landed records per chunk (one warehouse transaction each)', env: 'TURNOVER_STG_CHUNK_SIZE', defaultValue: 20_000, schema: positiveInt('--chunk-size') },
  parseWorkers: {
    flags: '--parse-workers <n>',
    description: 'worker threads that parse chunks while the previous chunk is written (PostgreSQL warehouse)',
    env: 'TURNOVER_STG_PARSE_WORKERS',
    defaultValue: 1,
    schema: positiveInt('--parse-workers'),
  },
  untilCaughtUp: { flags: '--until-caught-up', description: 'load everything landed so far, then exit (for Airflow)' },
  pollInterval: { flags: '--poll-interval <seconds>', description: 'continuous mode: wait between polls when caught up', env: 'TURNOVER_STG_POLL_INTERVAL', defaultValue: 1, schema: positiveNumber('--poll-interval') },
  topic: { flags: '--topic <name>', description: 'load only this topic (repeatable; default: every landed topic)', repeatable: true },
  purgeLandedOlderThan: {
    flags: '--purge-landed-older-than <days>',
    description: 'after loading, delete landed records that STG has loaded and that landed more than <days> days ago (0 = all loaded ones)',
    env: 'TURNOVER_LANDING_RETENTION_DAYS',
    schema: nonNegativeInt('--purge-landed-older-than'),
  },
  ...UNAVAILABLE_TIMEOUT_OPTION,
});

export type LoadStgOptions = OptionsOf<typeof LOAD_STG_OPTIONS>;

export const LOAD_STG_COMMAND = defineCommand({
  name: 'load-stg',
  summary: 'raw landing -> warehouse STG: incremental, chunked, exactly once',
  description:
    'Loads landed Kafka records from TURNOVER_LANDING_URL into the STG tables of TURNOVER_WAREHOUSE_URL, chunk by chunk per ' +
    '(topic, partition): parses each record with the feed contract, quarantines rejects, deduplicates, logs conflicts, ' +
    'enqueues the touched days for the marts and advances the partition\'s watermark in the same warehouse transaction. ' +
    'Every chunk is reconciled (landed = inserted + updated + duplicates + rejected) before it commits. ' +
    'Without --until-caught-up it keeps polling until SIGINT/SIGTERM, then finishes the chunk in flight and stops. ' +
    'A database that becomes unreachable is retried with back-off (a new session from the committed watermarks) for --unavailable-timeout.',
  options: LOAD_STG_OPTIONS,
  load: async () => (await import('./run.js')).loadStg,
  examples: ['turnover load-stg --until-caught-up', 'turnover load-stg --chunk-size 50000', 'turnover load-stg --until-caught-up --purge-landed-older-than 7'],
});
