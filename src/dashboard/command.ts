import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { nonNegativeInt, port, positiveNumber } from '../command/parsers.js';
import { KAFKA_GROUP_OPTION, KAFKA_OPTIONS, LANDING_URL_OPTION, WAREHOUSE_URL_OPTION } from '../command/shared-options.js';
import { DASHBOARD_DEFAULTS } from './options.js';

export const DASHBOARD_OPTIONS = defineOptions({
  host: { flags: '--host <address>', description: 'address to listen on (0.0.0.0 = every interface)', env: 'TURNOVER_DASHBOARD_HOST', defaultValue: DASHBOARD_DEFAULTS.host },
  port: { flags: '--port <port>', description: 'TCP port (0 = any free port; the URL is printed)', env: 'TURNOVER_DASHBOARD_PORT', defaultValue: DASHBOARD_DEFAULTS.port, schema: port('--port') },
  refresh: {
    flags: '--refresh <seconds>',
    description: 'auto-refresh of the page by default (0 = off; ?refresh=N in the URL overrides)',
    env: 'TURNOVER_DASHBOARD_REFRESH',
    defaultValue: DASHBOARD_DEFAULTS.refreshSeconds,
    schema: nonNegativeInt('--refresh'),
  },
  statementTimeout: {
    flags: '--statement-timeout <seconds>',
    description: `the warehouse cancels a dashboard query after this long and the request answers 503 warehouse_timeout (PostgreSQL; at most ${DASHBOARD_DEFAULTS.maxStatementTimeoutSeconds})`,
    env: 'TURNOVER_DASHBOARD_STATEMENT_TIMEOUT',
    defaultValue: DASHBOARD_DEFAULTS.statementTimeoutSeconds,
    schema: positiveNumber('--statement-timeout'),
  },
  maxWaiting: {
    flags: '--max-waiting <n>',
    description: 'requests that may wait for one of the 3 warehouse connections; one more answers 503 busy at once',
    env: 'TURNOVER_DASHBOARD_MAX_WAITING',
    defaultValue: DASHBOARD_DEFAULTS.maxWaiting,
    schema: nonNegativeInt('--max-waiting'),
  },
  ...WAREHOUSE_URL_OPTION,
  ...LANDING_URL_OPTION,
  ...KAFKA_OPTIONS,
  ...KAFKA_GROUP_OPTION,
});

export type DashboardOptions = OptionsOf<typeof DASHBOARD_OPTIONS>;

export const DASHBOARD_COMMAND = defineCommand({
  name: 'dashboard',
  summary: 'the built-in web dashboard over the marts',
  description:
    'Serves one page with charts and a small read-only JSON API over cdm.* (turnover, what drove each day\'s change, ' +
    'currency mix and USD rates, data quality), plus freshness facts from the landing zone (last record landed, ' +
    'consumer lag; needs TURNOVER_LANDING_URL and TURNOVER_KAFKA_BROKERS, optional). Loopback only unless --host says ' +
    'otherwise. Runs until SIGINT/SIGTERM. The API and what it guarantees: docs/dashboard.md.',
  options: DASHBOARD_OPTIONS,
  load: async () => (await import('./run.js')).dashboardCommand,
  examples: [
    'eval "$(npx turnover stack env)" && npx turnover dashboard        # http://127.0.0.1:18080/',
    'npx turnover dashboard --port 0 --refresh 10',
    'open "http://127.0.0.1:18080/?from=2022-10-01&to=2022-10-31&currencies=USD,EUR&refresh=10"',
  ],
});
