import type { CommandSpec } from '../command/command-spec.js';
import { nonNegativeInt, port, positiveInt, positiveNumber, collect } from '../command/parsers.js';
import { STATE_DIR_OPTION } from '../command/shared-options.js';
import { STACK_PORT_OPTIONS } from '../stack/command.js';

export const UP_COMMAND: CommandSpec = {
  name: 'up',
  summary: 'the main job: local stack, generator, ingester, STG/mart runner and dashboard, all at once',
  description:
    'Starts (or reuses) the local Kafka + PostgreSQL stack, migrates, creates the topic, backfills a few weeks of ' +
    'generated history with scenario events (once), then runs a live tail, the ingester, the STG loader, the mart ' +
    'builder (the same CLI stages Airflow calls) and the dashboard, each as a supervised child process restarted with ' +
    'back-off. Ctrl-C stops everything in order; running it again resumes where it stopped. Child logs: ' +
    '<state>/logs/<name>.log. See docs/runner.md.',
  options: [
    { flags: '--port <port>', description: 'dashboard port (0 = any free port; the URL is printed)', env: 'TURNOVER_DASHBOARD_PORT', defaultValue: 18080, parse: port('--port') },
    STATE_DIR_OPTION,
    ...STACK_PORT_OPTIONS,
    { flags: '--no-generator', description: 'no generated feed: ingest an external topic (TURNOVER_KAFKA_BROKERS/TOPIC/…)' },
    { flags: '--backfill-days <n>', description: 'days of generated history before today (once per state dir)', env: 'TURNOVER_UP_BACKFILL_DAYS', defaultValue: 28, parse: nonNegativeInt('--backfill-days') },
    { flags: '--transactions-per-day <n>', description: 'operations per backfilled day (about 3 messages each)', env: 'TURNOVER_UP_TRANSACTIONS_PER_DAY', defaultValue: 5000, parse: positiveInt('--transactions-per-day') },
    { flags: '--rate <msgs>', description: 'live tail messages/s after the backfill (0 = no tail)', env: 'TURNOVER_UP_RATE', defaultValue: 20, parse: (v: string) => (v === '0' ? 0 : positiveNumber('--rate')(v)) },
    { flags: '--seed <n>', description: 'generator seed', env: 'TURNOVER_UP_SEED', defaultValue: 42, parse: nonNegativeInt('--seed') },
    { flags: '--scenario <spec>', description: 'backfill scenario (repeatable, see docs/generator.md); default: a few relative to today; "none" for none', parse: collect },
    { flags: '--partitions <n>', description: 'partitions of the topic when created', env: 'TURNOVER_UP_PARTITIONS', defaultValue: 3, parse: positiveInt('--partitions') },
    { flags: '--mart-interval <seconds>', description: 'seconds between mart builds of the touched days', env: 'TURNOVER_UP_MART_INTERVAL', defaultValue: 2, parse: positiveNumber('--mart-interval') },
    { flags: '--with-superset', description: 'also start a local Apache Superset and provision the turnover dashboard' },
    { flags: '--keep-stack', description: 'leave Kafka and PostgreSQL running on exit (default: stop them if this run started them)' },
  ],
  load: async () => (await import('./run.js')).up,
  examples: ['npm start', 'npx turnover up --port 8080 --rate 50', 'npx turnover up --no-generator   # with TURNOVER_KAFKA_BROKERS=… of a real feed'],
};
