import type { Day } from './days.js';

/** One row of `stg.touched_days`, the work queue that load-stg fills. */
export interface QueueEntry {
  readonly day: Day;
  /** `transactions`, `currencies`, or another STG table the loader names. */
  readonly kind: string;
  /** Exact text of `touched_at`: the row is consumed only if it still has this value. */
  readonly touchedAt: string;
}

/** One transaction of a build. */
export interface BuildStep {
  /** Consecutive days rebuilt whole, `from` ≤ `to`. */
  readonly from: Day;
  readonly to: Day;
  /** The built day after `to`, whose drivers read day `to` and are rebuilt with it. */
  readonly driversOf?: Day;
  /** Queue rows consumed by this transaction (their last day is rebuilt here). */
  readonly consume: readonly QueueEntry[];
}

export interface BuildPlan {
  readonly mode: 'interval' | 'queue';
  /** Every day rebuilt whole, ascending. */
  readonly days: readonly Day[];
  /** Days whose drivers only are rebuilt (the day before was rebuilt). */
  readonly driversOnly: readonly Day[];
  readonly steps: readonly BuildStep[];
  /** Queue rows that need no day rebuilt (rates for days not built yet): consumed on their own. */
  readonly consumeOnly: readonly QueueEntry[];
}

/** A day the warehouse refused to build for its data, as recorded in `cdm.build_failures`. */
export interface FailedDay {
  readonly day: Day;
  readonly sqlstate: string;
  readonly detail: string;
}

export interface BuildSummary {
  readonly plan: BuildPlan;
  /** Steps committed; fewer than planned when the build was interrupted. */
  readonly stepsDone: number;
  readonly consumed: number;
  /** Days left as they were, recorded in cdm.build_failures (failures.ts). */
  readonly failed: readonly FailedDay[];
  readonly durationMs: number;
  readonly interrupted: boolean;
}
