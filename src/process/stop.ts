import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './process-state.js';

/** Waits until `pid` has exited; false when it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

export interface StopOptions {
  /** How long SIGTERM may take (a broker flushing its logs, gunicorn finishing requests). */
  readonly graceMs: number;
  /** SIGKILL the whole process group: the process was started detached, so its pid is its group's. */
  readonly group?: boolean;
  /** Called before the SIGKILL (to log that the grace ran out). */
  readonly onKill?: (pid: number) => void;
}

/**
 * SIGTERM, then SIGKILL only when the grace period ran out, then a short
 * wait for the kernel to reap it. For a process we do not hold a handle of
 * (one found through its pid file).
 */
export async function stopPid(pid: number, options: StopOptions): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, options.graceMs)) return;
  options.onKill?.(pid);
  if (!options.group || !signal(-pid, 'SIGKILL')) signal(pid, 'SIGKILL');
  await waitForExit(pid, 10_000);
}

/**
 * The same for a child we spawned: `exited` resolves on its exit event, so
 * nothing polls. Resolves once the child has exited.
 */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number, onKill?: () => void): Promise<void> {
  child.kill('SIGTERM');
  const done = new AbortController();
  const timeout = sleep(graceMs, 'timeout' as const, { signal: done.signal }).catch(() => 'exited' as const);
  const first = await Promise.race([exited.then(() => 'exited' as const), timeout]);
  done.abort(); // no timer left behind to hold the event loop
  if (first === 'exited') return;
  onKill?.();
  child.kill('SIGKILL');
  await exited;
}

/** False when there is no such process (already gone). */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
