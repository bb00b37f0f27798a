import type { CommandSpec } from '../command/command-spec.js';
import { collect, nonNegativeInt, positiveInt, positiveNumber } from '../command/parsers.js';
import { LANDING_URL_OPTION, UNAVAILABLE_TIMEOUT_OPTION, WAREHOUSE_URL_OPTION } from '../command/shared-options.js';

export const LOAD_STG_COMMAND: CommandSpec = {
  name: 'load-stg',
  summary: 'raw landing -> warehouse STG: incremental, chunked, exactly once',
  description:
    'Loads landed Kafka records from TURNOVER_LANDING_URL into the STG tables of TURNOVER_WAREHOUSE_URL, chunk by chunk per ' +
    '(topic, partition): parses each record with the feed contract, quarantines rejects, deduplicates, logs conflicts, ' +
    'enqueues the touched days for the marts and advances the partition\'s watermark in the same warehouse transaction. ' +
    'Every chunk is reconciled (landed = inserted + updated + duplicates + rejected) before it commits. ' +
    'Without --until-caught-up it keeps polling until SIGINT/SIGTERM, then finishes the chunk in flight and stops. ' +
    'A database that becomes unreachable is retried with back-off (a new session from the committed watermarks) for --unavailable-timeout.',
  options: [
    LANDING_URL_OPTION,
    WAREHOUSE_URL_OPTION,
    { flags: '--chunk-size <n>', description: 'landed records per chunk (one warehouse transaction each)', env: 'TURNOVER_STG_CHUNK_SIZE', defaultValue: 20_000, parse: positiveInt('--chunk-size') },
    {
      flags: '--parse-workers <n>',
      description: 'worker threads that parse chunks while the previous chunk is written (PostgreSQL warehouse)',
      env: 'TURNOVER_STG_PARSE_WORKERS',
      defaultValue: 1,
      parse: positiveInt('--parse-workers'),
    },
    { flags: '--until-caught-up', description: 'load everything landed so far, then exit (for Airflow)' },
    { flags: '--poll-interval <seconds>', description: 'continuous mode: wait between polls when caught up', env: 'TURNOVER_STG_POLL_INTERVAL', defaultValue: 1, parse: positiveNumber('--poll-interval') },
    { flags: '--topic <name>', description: 'load only this topic (repeatable; default: every landed topic)', parse: collect },
    {
      flags: '--purge-landed-older-than <days>',
      description: 'after loading, delete landed records that STG has loaded and that landed more than <days> days ago (0 = all loaded ones)',
      env: 'TURNOVER_LANDING_RETENTION_DAYS',
      parse: nonNegativeInt('--purge-landed-older-than'),
    },
    UNAVAILABLE_TIMEOUT_OPTION,
  ],
  load: async () => (await import('./run.js')).loadStg,
  examples: ['turnover load-stg --until-caught-up', 'turnover load-stg --chunk-size 50000', 'turnover load-stg --until-caught-up --purge-landed-older-than 7'],
};
