import { median } from './stats.js';
import type { Better } from './rounding.js';

/** Fewer measured rounds than this give "no verdict": one or two runs on a shared machine prove nothing. */
export const MIN_ROUNDS_FOR_VERDICT = 3;

/** A target a figure's median is held against, e.g. ingest ≥ 0.9 of the reference. */
export interface Target {
  /** Which way is good: 'higher' means "at least bound", 'lower' "at most bound". */
  readonly better: Better;
  readonly bound: number;
  /** Where the target comes from, e.g. "SPEC §6" or "issue 22". */
  readonly source: string;
  /**
   * Why this run cannot judge it (too small a run for a target stated at
   * full size, say); undefined when it can.
   */
  readonly notApplicable?: string;
}

export type Verdict = 'met' | 'not met' | 'no verdict';

export interface Judgement {
  readonly verdict: Verdict;
  /** Why there is no verdict, if there is none. */
  readonly reason?: string;
}

/** Holds the median of the measured rounds against the target. */
export function judge(values: readonly number[], target: Target): Judgement {
  if (target.notApplicable) return { verdict: 'no verdict', reason: target.notApplicable };
  if (values.length < MIN_ROUNDS_FOR_VERDICT) {
    return { verdict: 'no verdict', reason: `${values.length} measured round${values.length === 1 ? '' : 's'}, at least ${MIN_ROUNDS_FOR_VERDICT} needed` };
  }
  if (values.some((v) => !Number.isFinite(v))) return { verdict: 'no verdict', reason: 'a round has no value' };
  const m = median(values);
  const met = target.better === 'higher' ? m >= target.bound : m <= target.bound;
  return { verdict: met ? 'met' : 'not met' };
}
