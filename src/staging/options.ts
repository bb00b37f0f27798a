import { postgresUrl } from '../db/postgres-url.js';
import { ONE_SHOT_UNAVAILABLE_TIMEOUT_S } from '../retry/retry-unavailable.js';
import { ConfigError } from '../errors.js';
import { pauseAtFromEnv, type PauseAt } from '../test-hooks/pause-point.js';
import type { LoadStgOptions } from './command.js';

/** The loader's configuration, validated once at the edge and frozen. */
export interface LoadStgConfig {
  readonly stagingUrl: string;
  readonly warehouseUrl: string;
  readonly chunkSize: number;
  /** Worker threads that parse chunks (where the warehouse takes pre-encoded rows; else parsing is in-thread). */
  readonly parseWorkers: number;
  /** Chunks read and parsed ahead of the one being written. */
  readonly readAhead: number;
  readonly untilCaughtUp: boolean;
  readonly pollIntervalMs: number;
  /** Only these topics (default: every topic in the landing zone). */
  readonly topics: readonly string[] | undefined;
  /** Delete landed records already loaded and older than this many days; undefined = keep. */
  readonly purgeOlderThanDays: number | undefined;
  readonly progressIntervalMs: number;
  /**
   * How long a database may stay unreachable before the load gives up with
   * exit 5; every availability error before that is retried (a new session,
   * from the committed watermarks). Infinity: keep trying (continuous mode's default).
   */
  readonly unavailableTimeoutMs: number;
  /** Test-only faults, set through TURNOVER_FAULT_INJECT (never a flag). */
  readonly faults: { readonly loseParsedRecord: boolean };
  /** Test-only: where the process stops for a kill test (TURNOVER_TEST_PAUSE_AT, test-hooks/pause-point.ts). */
  readonly pauseAt: PauseAt | undefined;
}

const FAULTS = ['reconciliation-mismatch'] as const;

/** Test-only settings the loader reads (src/command/edge-values.ts). */
export interface LoadStgHooks {
  get(name: 'TURNOVER_FAULT_INJECT' | 'TURNOVER_TEST_PAUSE_AT' | 'TURNOVER_TEST_PAUSE_DIR'): string | undefined;
}

export function loadStgConfig(options: LoadStgOptions, hooks: LoadStgHooks): LoadStgConfig {
  const stagingUrl = postgresUrl(options.stagingUrl, 'TURNOVER_LANDING_URL');
  const { warehouseUrl, topic: topics, untilCaughtUp, unavailableTimeout: timeout } = options;
  if (warehouseUrl === undefined || warehouseUrl === '') {
    throw new ConfigError('TURNOVER_WAREHOUSE_URL is not set: expected postgres://… or vertica://… (for the local stack: eval "$(npx turnover stack env)")');
  }
  const fault = hooks.get('TURNOVER_FAULT_INJECT');
  if (fault !== undefined && fault !== '' && !(FAULTS as readonly string[]).includes(fault)) {
    throw new ConfigError(`TURNOVER_FAULT_INJECT=${fault} is not a known fault (${FAULTS.join(', ')})`);
  }
  return Object.freeze({
    stagingUrl,
    warehouseUrl,
    chunkSize: options.chunkSize,
    parseWorkers: options.parseWorkers,
    readAhead: options.parseWorkers + 1,
    untilCaughtUp,
    pollIntervalMs: Math.round(options.pollInterval * 1000),
    topics: topics && topics.length > 0 ? Object.freeze([...topics]) : undefined,
    purgeOlderThanDays: options.purgeLandedOlderThan,
    progressIntervalMs: 5_000,
    unavailableTimeoutMs: (timeout ?? (untilCaughtUp ? ONE_SHOT_UNAVAILABLE_TIMEOUT_S : Infinity)) * 1000,
    faults: Object.freeze({ loseParsedRecord: fault === 'reconciliation-mismatch' }),
    pauseAt: pauseAtFromEnv(hooks),
  });
}
