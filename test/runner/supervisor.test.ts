import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { Supervisor, type ChildExit } from '../../src/runner/supervisor.js';

/**
 * The supervisor's retry decision on real child processes: an exit status
 * maps to "restart with back-off" or "stop `up`" in one place
 * (isRetriableExit), never by guessing here.
 */
const dir = mkdtempSync(join(tmpdir(), 'turnover-supervisor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const exiting = (code: number) => ['-e', `process.exit(${code})`];
function starts(supervisor: Supervisor, name: string): number {
  const log = supervisor.logFile(name);
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(` start: ${name} `)).length : 0;
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('Supervisor (real child processes)', () => {
  it('restarts a service that exits 5 (unavailable), with back-off, and never reports it fatal', async () => {
    const supervisor = new Supervisor(join(dir, 'unavailable'), silentLogger());
    let fatal: ChildExit | undefined;
    void supervisor.fatal.then((exit) => (fatal = exit));
    supervisor.start({ name: 'flaky', args: exiting(EXIT_CODES.UNAVAILABLE), env: process.env, restart: 'always' });
    try {
      await until('three starts', () => starts(supervisor, 'flaky') >= 3);
      assert.equal(fatal, undefined);
    } finally {
      await supervisor.stopAll(['flaky'], 5_000);
    }
  });

  for (const [what, code] of [['configuration', EXIT_CODES.CONFIG], ['offsets that do not fit', EXIT_CODES.OFFSET_MISMATCH]] as const) {
    it(`stops on exit ${code} (${what}) without a restart`, async () => {
      const supervisor = new Supervisor(join(dir, `final-${code}`), silentLogger());
      supervisor.start({ name: 'final', args: exiting(code), env: process.env, restart: 'always' });
      const exit = await supervisor.fatal;
      assert.equal(exit.code, code);
      // a restart would come after the first back-off (≥ 0.8 s); there is none to come
      await sleep(2_000);
      assert.equal(starts(supervisor, 'final'), 1);
      await supervisor.stopAll(['final'], 5_000);
    });
  }
});
