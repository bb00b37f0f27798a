import { defineOptions, type OptionSpecs } from './command-spec.js';
import { isoDate, nonNegativeInt, positiveInt } from './parsers.js';

/**
 * Option groups shared by several commands. The env var names are the
 * canonical ones of SPEC §5; flags override them. Secrets (passwords) have
 * no flag on purpose: a flag is visible to every user in `ps`.
 */
/** The feed's topic and the ingesters' consumer group when none is configured. */
export const DEFAULT_TOPIC = 'transaction-service-input';
export const DEFAULT_GROUP = 'turnover-ingest';

export const KAFKA_OPTIONS = defineOptions({
  brokers: { flags: '--brokers <list>', description: 'Kafka bootstrap servers, comma-separated', env: 'TURNOVER_KAFKA_BROKERS' },
  topic: { flags: '--topic <name>', description: 'Kafka topic of the feed', env: 'TURNOVER_KAFKA_TOPIC', defaultValue: DEFAULT_TOPIC },
  saslMechanism: {
    flags: '--sasl-mechanism <mechanism>',
    description: 'SASL mechanism (password from TURNOVER_KAFKA_SASL_PASSWORD)',
    env: 'TURNOVER_KAFKA_SASL_MECHANISM',
    choices: ['scram-sha-512', 'scram-sha-256', 'plain', 'SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'],
  },
  saslUsername: { flags: '--sasl-username <user>', description: 'SASL user name', env: 'TURNOVER_KAFKA_SASL_USERNAME' },
  sslCa: { flags: '--ssl-ca <file>', description: 'PEM file of the CA that signed the brokers\' certificates (enables TLS)', env: 'TURNOVER_KAFKA_SSL_CA' },
  securityProtocol: {
    flags: '--security-protocol <protocol>',
    description: 'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (default: SASL_SSL when a SASL mechanism is set, SSL when a CA is set, else PLAINTEXT)',
    env: 'TURNOVER_KAFKA_SECURITY_PROTOCOL',
    choices: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'],
  },
  clientId: { flags: '--client-id <id>', description: 'Kafka client id', env: 'TURNOVER_KAFKA_CLIENT_ID', defaultValue: 'turnover' },
});

/** These options left out of `--help`: for a command that reads settings (flag or env) it does not document as its own. */
export function hiddenOptions<O extends OptionSpecs>(options: O): { readonly [K in keyof O]: O[K] & { readonly hidden: true } } {
  return Object.fromEntries(Object.entries(options).map(([key, spec]) => [key, { ...spec, hidden: true }])) as { readonly [K in keyof O]: O[K] & { readonly hidden: true } };
}

export const KAFKA_GROUP_OPTION = defineOptions({
  group: {
    flags: '--group <id>',
    description: 'Kafka consumer group (offsets live in PostgreSQL under this name)',
    env: 'TURNOVER_KAFKA_GROUP',
    defaultValue: DEFAULT_GROUP,
  },
});

/** The landing database's env variable; TURNOVER_STAGING_URL is its old name (src/staging is the STG load, not the landing). */
export const LANDING_URL_ENV = 'TURNOVER_LANDING_URL';
export const FORMER_LANDING_URL_ENV = 'TURNOVER_STAGING_URL';

export const LANDING_URL_OPTION = defineOptions({
  stagingUrl: {
    flags: '--staging-url <url>',
    description: 'PostgreSQL landing zone, postgres://user@host:port/db (password via PGPASSWORD or the URL)',
    env: LANDING_URL_ENV,
    formerEnv: FORMER_LANDING_URL_ENV,
  },
});

/** The warehouse as BI tools query it, with a read-only login; the local stack exports one. */
export const BI_WAREHOUSE_URL_ENV = 'TURNOVER_BI_WAREHOUSE_URL';

export const WAREHOUSE_URL_OPTION = defineOptions({
  warehouseUrl: {
    flags: '--warehouse-url <url>',
    description: 'warehouse, postgres://… or vertica://user@host:5433/db',
    env: 'TURNOVER_WAREHOUSE_URL',
  },
});

export const STATE_DIR_OPTION = defineOptions({
  stateDir: {
    flags: '--state-dir <dir>',
    description: 'local stack state (data, logs, pids); default .turnover/ in the checkout',
    env: 'TURNOVER_STATE_DIR',
  },
});

export const INTERVAL_OPTIONS = defineOptions({
  from: { flags: '--from <date>', description: 'first day of the interval (YYYY-MM-DD, UTC)', schema: isoDate('--from') },
  to: { flags: '--to <date>', description: 'last day of the interval, inclusive (YYYY-MM-DD, UTC)', schema: isoDate('--to') },
});

export const METRICS_PORT_OPTION = defineOptions({
  metricsPort: {
    flags: '--metrics-port <port>',
    description: 'serve Prometheus metrics on 127.0.0.1:<port>/metrics',
    env: 'TURNOVER_METRICS_PORT',
    schema: positiveInt('--metrics-port'),
  },
});

/** load-stg and build-marts: how long a database outage is retried (src/db/retry-unavailable.ts). */
export const UNAVAILABLE_TIMEOUT_OPTION = defineOptions({
  unavailableTimeout: {
    flags: '--unavailable-timeout <seconds>',
    description:
      'how long to keep retrying a database that became unreachable before exiting 5 (0: do not retry; default: 60 for a one-shot run, forever for a continuous load-stg)',
    env: 'TURNOVER_UNAVAILABLE_TIMEOUT',
    schema: nonNegativeInt('--unavailable-timeout'),
  },
});
