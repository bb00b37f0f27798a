import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';

/**
 * Long-running children a test starts (an ingester, a Spark job, `turnover
 * up`). A failing assertion skips the test's own stop, and a live child keeps
 * the test file's process — and so the whole run — waiting: whatever is still
 * running when the file's tests end is killed here.
 */
const live = new Set<ChildProcess>();

function killLive(): void {
  for (const child of live) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL'); // its process group, when it leads one
    } catch {
      // not a group leader
    }
    child.kill('SIGKILL');
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
