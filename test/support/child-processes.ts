import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { commandLineOf } from '../../src/process/process-state.js';

/**
 * Long-running children a test starts (an ingester, a Spark job, `turnover
 * up`). A failing assertion skips the test's own stop, and a live child keeps
 * the test file's process — and so the whole run — waiting: whatever is still
 * running when the file's tests end is killed here.
 */
const live = new Set<ChildProcess>();
/** Servers started detached by code that keeps only their pid (a Kafka broker): pid → a mark of its command line. */
const livePids = new Map<number, string>();

function killLive(): void {
  for (const [pid, mark] of livePids) {
    // a pid that exited long ago may belong to someone else by now
    if (commandLineOf(pid)?.includes(mark)) killGroup(pid);
  }
  for (const child of live) {
    if (child.pid) killGroup(child.pid);
    child.kill('SIGKILL');
  }
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL'); // -pid: its process group, when it leads one
    } catch {
      // not a group leader, or gone
    }
  }
}

// Under `node --test` the hook runs when the file's tests end. The benchmarks
// share these harnesses outside the test runner: a root-level hook there would
// make node print an empty test report, so they kill leftovers at exit instead.
if (process.env.NODE_TEST_CONTEXT) after(killLive);
else process.once('exit', killLive);

export function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** A process we started but hold only by pid (detached, e.g. a Kafka broker): killed with the rest unless its command line no longer has `mark`. */
export function trackPid(pid: number, mark: string): void {
  livePids.set(pid, mark);
}
