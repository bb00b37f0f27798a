import { NO_VALUES } from '../command/edge-values.js';
import { ONE_SHOT_UNAVAILABLE_TIMEOUT_S } from '../retry/retry-unavailable.js';
import { UsageError } from '../errors.js';
import { pauseAtFromEnv, type PauseAt, type PauseHooks } from '../test-hooks/pause-point.js';
import type { DialectName } from '../warehouse/index.js';
import type { BuildMartsOptions } from './command.js';
import type { Day } from './days.js';

/** What `turnover build-marts` was asked to do, validated once at the edge. */
export interface BuildMartsConfig {
  readonly warehouseUrl: string | undefined;
  /** Both or neither: without them the `stg.touched_days` queue decides. */
  readonly interval?: { readonly from: Day; readonly to: Day };
  readonly daysPerTransaction: number;
  /** Given by --parallel; otherwise the warehouse's default (parallelFor). */
  readonly parallel: number | undefined;
  readonly dryRun: boolean;
  /** Build nothing: compare the maintained aggregates with STG over the interval (default: every day). */
  readonly verify: boolean;
  /** How long an unreachable warehouse is retried (the whole build again, from the queue) before exit 5. */
  readonly unavailableTimeoutMs: number;
  /** Test-only: where the process stops for a kill test (TURNOVER_TEST_PAUSE_AT, test-hooks/pause-point.ts). */
  readonly pauseAt: PauseAt | undefined;
}

export const DEFAULT_DAYS_PER_TRANSACTION = 1;
/**
 * Transactions in flight when --parallel is not given. PostgreSQL: one per
 * core of the development machine, each on its own connection. Vertica: DML
 * takes table locks (no row locks), so a run's transactions would only queue
 * behind each other; one at a time is the safe setting there (docs/marts.md).
 */
export const DEFAULT_PARALLEL: Readonly<Record<DialectName, number>> = { postgres: 2, vertica: 1 };

export function parallelFor(config: Pick<BuildMartsConfig, 'parallel'>, dialect: DialectName): number {
  return config.parallel ?? DEFAULT_PARALLEL[dialect];
}

export function resolveBuildMartsConfig(options: BuildMartsOptions, hooks: PauseHooks = NO_VALUES): BuildMartsConfig {
  const { from, to } = options;
  if ((from === undefined) !== (to === undefined)) {
    throw new UsageError('give both --from and --to (an interval), or neither (the days STG touched since the last build)');
  }
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  if (options.verify === true && options.dryRun === true) throw new UsageError('--verify changes nothing already: give it without --dry-run');
  return Object.freeze({
    warehouseUrl: options.warehouseUrl,
    ...(from !== undefined && to !== undefined ? { interval: Object.freeze({ from, to }) } : {}),
    daysPerTransaction: options.daysPerTransaction,
    parallel: options.parallel,
    dryRun: options.dryRun,
    verify: options.verify,
    unavailableTimeoutMs: (options.unavailableTimeout ?? ONE_SHOT_UNAVAILABLE_TIMEOUT_S) * 1000,
    pauseAt: pauseAtFromEnv(hooks),
  });
}
