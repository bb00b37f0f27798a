import { postgresUrl } from '../db/postgres-url.js';
import { ConfigError, UsageError } from '../errors.js';
import { kafkaConfigFrom, type KafkaConfig, type KafkaSecrets } from '../kafka/kafka-config.js';
import { clockFrom, type Clock, type ClockHooks } from '../test-hooks/clock.js';
import type { DashboardOptions } from './command.js';

/** What `turnover dashboard` was asked to do, validated once at the edge and frozen. */
export interface DashboardConfig {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** The page's auto-refresh when its URL has no `refresh` (0 = off). */
  readonly refreshSeconds: number;
  readonly warehouseUrl: string;
  /** The landing zone, for "last record landed" and consumer lag; absent = not shown. */
  readonly stagingUrl: string | undefined;
  /** The brokers, for the end offsets of the topic (consumer lag); absent = not shown. */
  readonly kafka: KafkaConfig | undefined;
  readonly topic: string;
  readonly group: string;
  /** The warehouse cancels a dashboard query after this many seconds (PostgreSQL's statement_timeout). */
  readonly statementTimeoutSeconds: number;
  /** Requests that may wait for a warehouse connection; one more answers 503 busy. */
  readonly maxWaiting: number;
  /** The wall clock: which day is today (a partial day) and how old each fact is. */
  readonly now: Clock;
}

export const DASHBOARD_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 18080,
  refreshSeconds: 0,
  /** Longest a page refresh interval may be, and the shortest. */
  maxRefreshSeconds: 3600,
  minRefreshSeconds: 2,
  statementTimeoutSeconds: 15,
  maxWaiting: 32,
  /** Longest statement timeout accepted: the server's own requestTimeout is 60 s. */
  maxStatementTimeoutSeconds: 50,
});

const HOST = /^[A-Za-z0-9.-]+$|^[0-9a-fA-F:]+$/;

export function resolveDashboardConfig(options: DashboardOptions, secrets: KafkaSecrets, hooks: ClockHooks): DashboardConfig {
  const { host, refresh: refreshSeconds, warehouseUrl, statementTimeout: statementTimeoutSeconds } = options;
  if (!HOST.test(host)) throw new UsageError(`--host must be an IP address or a host name, got "${host}"`);
  if (refreshSeconds !== 0 && (refreshSeconds < DASHBOARD_DEFAULTS.minRefreshSeconds || refreshSeconds > DASHBOARD_DEFAULTS.maxRefreshSeconds)) {
    throw new UsageError(`--refresh must be 0 (off) or ${DASHBOARD_DEFAULTS.minRefreshSeconds}-${DASHBOARD_DEFAULTS.maxRefreshSeconds} seconds, got ${refreshSeconds}`);
  }
  if (warehouseUrl === undefined || warehouseUrl === '') {
    throw new ConfigError('TURNOVER_WAREHOUSE_URL is not set: expected postgres://… or vertica://… (for the local stack: eval "$(npx turnover stack env)")');
  }
  if (statementTimeoutSeconds > DASHBOARD_DEFAULTS.maxStatementTimeoutSeconds) {
    throw new UsageError(`--statement-timeout must be at most ${DASHBOARD_DEFAULTS.maxStatementTimeoutSeconds} seconds (the dashboard answers every request within a minute), got ${statementTimeoutSeconds}`);
  }
  const stagingUrl = options.stagingUrl === undefined || options.stagingUrl === '' ? undefined : postgresUrl(options.stagingUrl, 'TURNOVER_LANDING_URL');
  const kafka = options.brokers === undefined || options.brokers === '' ? undefined : kafkaConfigFrom(options, secrets);
  return Object.freeze({
    host,
    port: options.port,
    refreshSeconds,
    warehouseUrl,
    stagingUrl,
    kafka,
    topic: options.topic,
    group: options.group,
    statementTimeoutSeconds,
    maxWaiting: options.maxWaiting,
    now: clockFrom(hooks),
  });
}

/** Loopback addresses: the only ones that are safe without authentication. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
