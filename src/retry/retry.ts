import { setTimeout as sleep } from 'node:timers/promises';
import { classifySqlError, sqlStateOf } from '../db/sqlstate.js';
import { describeError, TurnoverError, type ErrorCode } from '../errors.js';
import { isRetriable } from './retriable.js';
import { backoffDelay, type RandomSource, type RetryPolicy } from './retry-policy.js';

/** What `onRetry` hears before each wait: log it, count it. */
export interface RetryEvent {
  readonly policy: RetryPolicy;
  readonly error: unknown;
  /** The try that just failed (1 = the first). */
  readonly attempt: number;
  /** The wait before the next try. */
  readonly delayMs: number;
  /** Since the first try started. */
  readonly elapsedMs: number;
}

/** Time, injectable so that tests of deadlines need not wait. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);
  },
});

export interface RetryOptions {
  /** Aborting stops the waiting and any further try: retry() rejects with the error it was waiting out (the signal's reason before a first try). */
  readonly signal?: AbortSignal;
  readonly onRetry?: (event: RetryEvent) => void;
  /** Narrows which errors are tried again (an HTTP POST only when it was never processed); default isRetriable. */
  readonly retriable?: (error: unknown) => boolean;
  readonly random?: RandomSource;
  readonly clock?: Clock;
}

/**
 * One try. `attempt` counts every try (1 = the first); an attempt that made
 * lasting progress before it failed (a long run that committed chunks, then
 * lost its database) calls `progressed()`: its next failure counts as the
 * first of a new outage, with the first wait and the whole deadline again.
 */
export type Attempt<T> = (attempt: number, progressed: () => void) => Promise<T>;

/**
 * Runs `fn` until it succeeds, waiting after each failure as the policy
 * says. An error the decision calls final is thrown at once, unchanged (its
 * code gives the exit status). When the policy's deadline or tries run out,
 * the last error is thrown as a RetriesExhaustedError: the same code, its
 * message plus how long it was tried. No try starts after the deadline, and
 * no wait runs past it.
 */
export async function retry<T>(policy: RetryPolicy, fn: Attempt<T>, options: RetryOptions = {}): Promise<T> {
  const clock = options.clock ?? systemClock;
  const retriable = options.retriable ?? isRetriable;
  const { signal } = options;
  let started = clock.now();
  let failures = 0;
  const progressed = (): void => {
    started = clock.now();
    failures = 0;
  };
  signal?.throwIfAborted();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt, progressed);
    } catch (error) {
      if (signal?.aborted || !retriable(error)) throw error;
      failures += 1;
      const elapsedMs = clock.now() - started;
      const delayMs = backoffDelay(policy, failures, options.random);
      if (failures >= policy.maxAttempts || elapsedMs + delayMs >= policy.deadlineMs) {
        throw failures === 1 ? error : new RetriesExhaustedError(error, failures, elapsedMs);
      }
      options.onRetry?.({ policy, error, attempt, delayMs, elapsedMs });
      await clock.sleep(delayMs, signal);
      if (signal?.aborted) throw error;
    }
  }
}

/**
 * A retriable failure that lasted longer than its policy allows: the last
 * error's code (so the exit status is still 5 unavailable, or 8 conflict)
 * and message, plus how long it was tried. Still retriable: a longer-lived
 * loop around it (a supervisor, a backfill) may try again later.
 */
export class RetriesExhaustedError extends TurnoverError {
  readonly attempts: number;

  constructor(last: unknown, attempts: number, elapsedMs: number) {
    super(codeOf(last), `${describeError(last)} (gave up after ${attempts} tries in ${(elapsedMs / 1000).toFixed(0)} s)`, { retriable: true, cause: last });
    this.attempts = attempts;
  }
}

function codeOf(error: unknown): ErrorCode {
  if (error instanceof TurnoverError) return error.code;
  return sqlStateOf(error) !== undefined && classifySqlError(error) === 'conflict' ? 'CONFLICT' : 'UNAVAILABLE';
}
