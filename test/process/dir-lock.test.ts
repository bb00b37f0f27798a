import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { withDirLock } from '../../src/process/dir-lock.js';
import { PACKAGE_ROOT } from '../support/paths.js';

/**
 * The lock that makes two processes preparing the same cache (two test runs
 * installing one Python venv) take turns: real processes, each writing when
 * it starts and ends its turn; a lock left by a killed holder is taken over.
 */

const LOCK_MODULE = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'src', 'process', 'dir-lock.js')).href;

/** A process that holds the lock for `holdMs`, writing "start <pid> <ms>" and "end <pid> <ms>" to the journal. */
function contender(lock: string, journal: string, holdMs: number): Promise<number | null> {
  const script = `
    import { appendFileSync } from 'node:fs';
    import { setTimeout as sleep } from 'node:timers/promises';
    const { withDirLock } = await import(${JSON.stringify(LOCK_MODULE)});
    await withDirLock(${JSON.stringify(lock)}, async () => {
      appendFileSync(${JSON.stringify(journal)}, 'start ' + process.pid + ' ' + Date.now() + '\\n');
      await sleep(${holdMs});
      appendFileSync(${JSON.stringify(journal)}, 'end ' + process.pid + ' ' + Date.now() + '\\n');
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('withDirLock (real processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turnover-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('three processes take turns: no turn starts before the previous one ended', { timeout: 60_000 }, async () => {
    const lock = join(dir, 'venv.lock');
    const journal = join(dir, 'turns');
    writeFileSync(journal, '');
    assert.deepEqual(await Promise.all([contender(lock, journal, 700), contender(lock, journal, 700), contender(lock, journal, 700)]), [0, 0, 0]);
    const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => l.split(' '));
    assert.equal(lines.length, 6);
    for (let i = 0; i < lines.length; i += 2) {
      assert.equal(lines[i]![0], 'start');
      assert.deepEqual([lines[i + 1]![0], lines[i + 1]![1]], ['end', lines[i]![1]], 'the same process ends its turn before another starts');
    }
  });

  it('a lock whose holder died is taken over; one being taken (no pid yet) is waited for, until it is old', { timeout: 60_000 }, async () => {
    const dead = join(dir, 'dead.lock');
    mkdirSync(dead);
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(join(dead, 'pid'), `${gone.pid}\n`);
    assert.equal(await withDirLock(dead, async () => 'ran'), 'ran');

    const fresh = join(dir, 'fresh.lock');
    mkdirSync(fresh);
    let ran = false;
    const waiting = withDirLock(fresh, async () => (ran = true));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(ran, false, 'a lock just made, pid not yet written, is respected');
    const old = new Date(Date.now() - 60_000);
    utimesSync(fresh, old, old);
    await waiting;
    assert.equal(ran, true, 'an unwritten lock older than the grace is abandoned');
  });
});
