import { StackError, UnavailableError } from '../errors.js';
import { readinessPolicy, retry } from '../retry/index.js';
import { tailFile } from './log-tail.js';

export interface HealthWait {
  /** Named in the messages: "Kafka broker", "Superset". */
  readonly what: string;
  /** Quoted (its last lines) when the server exits or never answers. */
  readonly logFile: string;
  /** False once the server's process has exited: waiting on is pointless. */
  readonly alive: () => boolean;
  /** One health probe (a metadata request, GET /health). */
  readonly healthy: () => Promise<boolean>;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  /** Called after each failed probe, with the time waited so far (progress lines on a slow start). */
  readonly onWaiting?: (elapsedMs: number) => void;
}

/**
 * Waits for a server we just started to answer its health probe. A server
 * that exits, or does not answer within the timeout, fails with one
 * StackError that quotes the last lines of its log.
 */
export async function waitHealthy(wait: HealthWait): Promise<void> {
  const { what, logFile } = wait;
  await retry(
    readinessPolicy(wait.timeoutMs, wait.intervalMs),
    async () => {
      if (!wait.alive()) throw new StackError(`${what} exited during start-up; last lines of ${logFile}:\n${tailFile(logFile)}`);
      if (!(await wait.healthy())) throw new UnavailableError(`${what} does not answer yet`);
    },
    { ...(wait.signal ? { signal: wait.signal } : {}), onRetry: (event) => wait.onWaiting?.(event.elapsedMs) },
  ).catch((error: unknown) => {
    if (error instanceof StackError) throw error;
    if (wait.signal?.aborted) throw new StackError(`interrupted while waiting for ${what} to answer`);
    throw new StackError(`${what} not healthy after ${wait.timeoutMs / 1000} s; last lines of ${logFile}:\n${tailFile(logFile)}`);
  });
}
