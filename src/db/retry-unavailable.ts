import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, TurnoverError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { classifySqlError } from './sqlstate.js';

/** A one-shot run (Airflow, `build-marts`) retries an unreachable database this long by default, then exits 5. */
export const ONE_SHOT_UNAVAILABLE_TIMEOUT_S = 60;

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

export interface RetryUnavailableOptions {
  /** The command, for log lines. */
  readonly what: string;
  /** How long an outage is retried, from its first failure; 0: not at all, Infinity: until the signal. */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Told about every retry (the command counts them for its summary). */
  readonly onRetry?: (error: unknown) => void;
}

/** An availability error: ours (UNAVAILABLE), or a driver error sqlstate.ts classifies as one. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof TurnoverError) return error.code === 'UNAVAILABLE';
  return classifySqlError(error) === 'unavailable';
}

/**
 * Runs `attempt` again while a database it needs is unreachable (a server
 * restart, a crash, a network cut), with jittered exponential back-off.
 * Every attempt starts from scratch — new connections, state read again from
 * the database — so a retry never trusts what a dead session knew: for
 * load-stg the committed watermarks, for build-marts the queue. An attempt
 * calls `progressed()` when it has committed something; the outage clock and
 * the back-off then start over, so a long-running command outlives any
 * number of separate outages, and only one outage longer than `timeoutMs`
 * ends the command (its last availability error propagates: exit 5). Any
 * other error propagates at once.
 */
export async function retryWhileUnavailable<T>(options: RetryUnavailableOptions, attempt: (progressed: () => void) => Promise<T>): Promise<T> {
  let outageStarted: number | undefined;
  let delay = FIRST_DELAY_MS;
  const progressed = (): void => {
    outageStarted = undefined;
    delay = FIRST_DELAY_MS;
  };
  for (;;) {
    try {
      return await attempt(progressed);
    } catch (error) {
      if (!isUnavailable(error) || options.signal.aborted) throw error;
      const now = Date.now();
      outageStarted ??= now;
      const left = outageStarted + options.timeoutMs - now;
      if (left <= 0) throw error;
      // half fixed, half random: restarted clients do not all come back at the same instant
      const wait = Math.min(left, delay / 2 + Math.random() * (delay / 2));
      options.logger.warn({ retryInMs: Math.round(wait), reason: describeError(error) }, `${options.what}: a database is unavailable; retrying from the committed state`);
      options.onRetry?.(error);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal.aborted) throw error;
    }
  }
}
