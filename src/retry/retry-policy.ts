/**
 * How often and how long to try again. Policies are data (policies.ts names
 * them by purpose); `backoffDelay` is the one place that turns a policy and
 * an attempt number into a wait: every retry and restart loop asks it.
 */
export interface RetryPolicy {
  /** For logs and metrics: which policy waited. */
  readonly name: string;
  /** The wait after the first failure. */
  readonly initialDelayMs: number;
  /** No wait is longer than this (before jitter). */
  readonly maxDelayMs: number;
  /** Each further failure multiplies the wait by this (1 = a steady pace). */
  readonly factor: number;
  /**
   * The share of each wait that is random, 0..1: the wait is drawn from
   * [delay × (1 − jitter), delay]. Processes that failed together (a server
   * restart) then do not all come back in the same millisecond.
   */
  readonly jitter: number;
  /** No new try starts once this long has passed since the first (Infinity: until aborted; 0: no retry). */
  readonly deadlineMs: number;
  /** Tries at most, the first included (Infinity: no limit). */
  readonly maxAttempts: number;
}

/** A number in [0, 1): Math.random, or a seeded source in tests. */
export type RandomSource = () => number;

/**
 * The wait after the `failures`-th failure in a row (1 = the first):
 * initial × factor^(failures − 1), capped at the maximum, minus up to
 * `jitter` of it at random.
 */
export function backoffDelay(policy: RetryPolicy, failures: number, random: RandomSource = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** exponent);
  return Math.round(delay * (1 - policy.jitter * random()));
}

/** Checks a policy's numbers once, where it is defined. */
export function definePolicy(policy: RetryPolicy): RetryPolicy {
  const { initialDelayMs, maxDelayMs, factor, jitter, deadlineMs, maxAttempts } = policy;
  const ok = initialDelayMs >= 0 && maxDelayMs >= initialDelayMs && factor >= 1 && jitter >= 0 && jitter <= 1 && deadlineMs >= 0 && maxAttempts >= 1;
  if (!ok) throw new RangeError(`retry policy ${policy.name} is inconsistent: ${JSON.stringify(policy)}`);
  return Object.freeze({ ...policy });
}

/** The same policy with another deadline (a command's --retry-for). */
export function withDeadline(policy: RetryPolicy, deadlineMs: number): RetryPolicy {
  return definePolicy({ ...policy, deadlineMs });
}

/**
 * The failures in a row of a loop that keeps its own cadence (a supervised
 * child, a fetch loop, the mart builds): the wait before its next try, and
 * back to the first wait after a success.
 */
export class Backoff {
  #failures = 0;

  constructor(
    readonly policy: RetryPolicy,
    private readonly random: RandomSource = Math.random,
  ) {}

  get failures(): number {
    return this.#failures;
  }

  /** Counts one more failure; returns the wait before the next try. */
  next(): number {
    this.#failures += 1;
    return backoffDelay(this.policy, this.#failures, this.random);
  }

  reset(): void {
    this.#failures = 0;
  }
}
