import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { nonNegativeInt, port, positiveInt, positiveNumber, zeroOrPositiveNumber } from '../command/parsers.js';
import { hiddenOptions, KAFKA_GROUP_OPTION, KAFKA_OPTIONS, STATE_DIR_OPTION } from '../command/shared-options.js';
import { STACK_PORT_OPTIONS } from '../stack/command.js';

export const UP_OPTIONS = defineOptions({
  port: { flags: '--port <port>', description: 'dashboard port (0 = any free port; the URL is printed)', env: 'TURNOVER_DASHBOARD_PORT', defaultValue: 18080, schema: port('--port') },
  ...STATE_DIR_OPTION,
  ...STACK_PORT_OPTIONS,
  generator: { flags: '--no-generator', description: 'no generated feed: ingest an external topic (TURNOVER_KAFKA_BROKERS/TOPIC/…)' },
  backfillDays: { flags: '--backfill-days <n>', description: 'days of generated history before today (once per state dir)', env: 'TURNOVER_UP_BACKFILL_DAYS', defaultValue: 28, schema: nonNegativeInt('--backfill-days') },
  transactionsPerDay: { flags: '--transactions-per-day <n>', description: 'operations per backfilled day (about 3 messages each)', env: 'TURNOVER_UP_TRANSACTIONS_PER_DAY', defaultValue: 5000, schema: positiveInt('--transactions-per-day') },
  rate: { flags: '--rate <msgs>', description: 'live tail messages/s after the backfill (0 = no tail)', env: 'TURNOVER_UP_RATE', defaultValue: 20, schema: zeroOrPositiveNumber('--rate') },
  seed: { flags: '--seed <n>', description: 'generator seed', env: 'TURNOVER_UP_SEED', defaultValue: 42, schema: nonNegativeInt('--seed') },
  scenario: { flags: '--scenario <spec>', description: 'backfill scenario (repeatable, see docs/generator.md); default: a few relative to today; "none" for none', repeatable: true },
  partitions: { flags: '--partitions <n>', description: 'partitions of the topic when created', env: 'TURNOVER_UP_PARTITIONS', defaultValue: 3, schema: positiveInt('--partitions') },
  martInterval: { flags: '--mart-interval <seconds>', description: 'seconds between mart builds of the touched days', env: 'TURNOVER_UP_MART_INTERVAL', defaultValue: 2, schema: positiveNumber('--mart-interval') },
  withSuperset: { flags: '--with-superset', description: 'also start a local Apache Superset and provision the turnover dashboard' },
  keepStack: { flags: '--keep-stack', description: 'leave Kafka and PostgreSQL running on exit (default: stop them if this run started them)' },
  // the external feed of --no-generator: the TURNOVER_KAFKA_* settings every Kafka command reads, parsed the same way
  ...hiddenOptions(KAFKA_OPTIONS),
  ...hiddenOptions(KAFKA_GROUP_OPTION),
});

export type UpOptions = OptionsOf<typeof UP_OPTIONS>;

export const UP_COMMAND = defineCommand({
  name: 'up',
  summary: 'the main job: local stack, generator, ingester, STG/mart runner and dashboard, all at once',
  description:
    'Starts (or reuses) the local Kafka + PostgreSQL stack, migrates, creates the topic, backfills a few weeks of ' +
    'generated history with scenario events (once), then runs a live tail, the ingester, the STG loader, the mart ' +
    'builder (the same CLI stages Airflow calls) and the dashboard, each as a supervised child process restarted with ' +
    'back-off. Ctrl-C stops everything in order; running it again resumes where it stopped. Child logs: ' +
    '<state>/logs/<name>.log. See docs/runner.md.',
  options: UP_OPTIONS,
  load: async () => (await import('./run.js')).up,
  examples: ['npm start', 'npx turnover up --port 8080 --rate 50', 'npx turnover up --no-generator   # with TURNOVER_KAFKA_BROKERS=… of a real feed'],
});
