import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.js';
import { isConfigurationExit, type ChildExit, type Supervisor } from './supervisor.js';

/**
 * The built-in runner's mart cadence: every few seconds, the same
 * `turnover build-marts` an Airflow task runs (no interval: the days STG
 * touched since the last build). One build at a time; a failed build is
 * logged and retried on the next tick, a configuration error stops `up`.
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
  let failures = 0;
  while (!signal.aborted) {
    const exit = await supervisor.runOnce({ name: 'build-marts', args, env });
    if (signal.aborted) return;
    if (exit.code === 0) {
      failures = 0;
    } else if (isConfigurationExit(exit.code)) {
      options.onFatal(exit);
      return;
    } else {
      failures += 1;
      if (failures === 1 || failures % 10 === 0) {
        logger.warn({ code: exit.code, signal: exit.signal }, `build-marts failed (${failures}x); retrying. Last lines:\n${exit.lastLines.map((l) => `    ${l}`).join('\n')}`);
      }
    }
    await sleep(intervalMs * Math.min(2 ** failures, 16), undefined, { signal }).catch(() => undefined);
  }
}
