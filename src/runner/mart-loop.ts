import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.js';
import { Backoff, cadencePolicy, isRetriableExit } from '../retry/index.js';
import type { ChildExit, Supervisor } from './supervisor.js';

/**
 * The built-in runner's mart cadence: every few seconds, the same
 * `turnover build-marts` an Airflow task runs (no interval: the days STG
 * touched since the last build). One build at a time; a failed build is
 * logged and tried again after cadencePolicy's back-off (2, 4, 8, 16
 * intervals), an exit a retry cannot fix (isRetriableExit) stops `up`.
 */
export async function martLoop(options: {
  supervisor: Supervisor;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  intervalMs: number;
  signal: AbortSignal;
  logger: Logger;
  onFatal: (exit: ChildExit) => void;
}): Promise<void> {
  const { supervisor, args, env, intervalMs, signal, logger } = options;
  const failures = new Backoff(cadencePolicy(intervalMs));
  while (!signal.aborted) {
    const exit = await supervisor.runOnce({ name: 'build-marts', args, env });
    if (signal.aborted) return;
    let waitMs = intervalMs;
    if (exit.code === 0) {
      failures.reset();
    } else if (!isRetriableExit(exit.code)) {
      options.onFatal(exit);
      return;
    } else {
      waitMs = failures.next();
      if (failures.failures === 1 || failures.failures % 10 === 0) {
        logger.warn({ code: exit.code, signal: exit.signal, retryInMs: waitMs }, `build-marts failed (${failures.failures}x); retrying. Last lines:\n${exit.lastLines.map((l) => `    ${l}`).join('\n')}`);
      }
    }
    await sleep(waitMs, undefined, { signal }).catch(() => undefined);
  }
}
