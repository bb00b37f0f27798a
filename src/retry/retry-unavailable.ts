import { describeError, TurnoverError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { outagePolicy, retry } from './index.js';
import { classifySqlError } from '../db/sqlstate.js';

/** A one-shot run (Airflow, `build-marts`) retries an unreachable database this long by default, then exits 5. */
export const ONE_SHOT_UNAVAILABLE_TIMEOUT_S = 60;

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

/**
 * Runs `attempt` again while a database it needs is unreachable (a server
 * restart, a crash, a network cut) or another transaction got in the way,
 * with outagePolicy's jittered back-off (src/retry/; what retries is
 * isRetriable's decision). Every attempt starts from scratch — new
 * connections, state read again from the database — so a retry never trusts
 * what a dead session knew: for load-stg the committed watermarks, for
 * build-marts the queue. An attempt calls `progressed()` when it has
 * committed something; the outage clock and the back-off then start over,
 * so a long-running command outlives any number of separate outages, and
 * only one outage longer than `timeoutMs` ends the command (exit 5 with the
 * last reason). Any other error propagates at once.
 */
export function retryWhileUnavailable<T>(options: RetryUnavailableOptions, attempt: (progressed: () => void) => Promise<T>): Promise<T> {
  return retry(outagePolicy(options.timeoutMs), (_, progressed) => attempt(progressed), {
    signal: options.signal,
    onRetry: ({ error, delayMs }) => {
      const conflict = error instanceof TurnoverError ? error.code === 'CONFLICT' : classifySqlError(error) === 'conflict';
      const what = conflict ? 'another transaction got in the way' : 'a database is unavailable';
      options.logger.warn({ retryInMs: delayMs, reason: describeError(error) }, `${options.what}: ${what}; retrying from the committed state`);
      options.onRetry?.(error);
    },
  });
}
