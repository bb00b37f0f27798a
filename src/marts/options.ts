import { UsageError } from '../errors.js';
import type { Day } from './days.js';

/** What `turnover build-marts` was asked to do, validated once at the edge. */
export interface BuildMartsConfig {
  readonly warehouseUrl: unknown;
  /** Both or neither: without them the `stg.touched_days` queue decides. */
  readonly interval?: { readonly from: Day; readonly to: Day };
  readonly daysPerTransaction: number;
  readonly parallel: number;
  readonly dryRun: boolean;
}

export const DEFAULT_DAYS_PER_TRANSACTION = 1;
/** One transaction per core of the development machine; each holds a warehouse connection. */
export const DEFAULT_PARALLEL = 2;

export function resolveBuildMartsConfig(options: Readonly<Record<string, unknown>>): BuildMartsConfig {
  const from = options.from as Day | undefined;
  const to = options.to as Day | undefined;
  if ((from === undefined) !== (to === undefined)) {
    throw new UsageError('give both --from and --to (an interval), or neither (the days STG touched since the last build)');
  }
  if (from !== undefined && to !== undefined && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  return Object.freeze({
    warehouseUrl: options.warehouseUrl,
    ...(from !== undefined && to !== undefined ? { interval: Object.freeze({ from, to }) } : {}),
    daysPerTransaction: (options.daysPerTransaction as number | undefined) ?? DEFAULT_DAYS_PER_TRANSACTION,
    parallel: (options.parallel as number | undefined) ?? DEFAULT_PARALLEL,
    dryRun: options.dryRun === true,
  });
}
