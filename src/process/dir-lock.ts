import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './process-state.js';

const POLL_MS = 500;
/** A lock without its pid file yet is being taken (mkdir, then the write); only after this long is it abandoned. */
const UNWRITTEN_GRACE_MS = 10_000;

/**
 * Runs `work` while holding a lock directory (`mkdir` is atomic), so that two
 * processes preparing the same cached thing — two `npm test` runs, a test
 * and `npm start` — take turns instead of writing into each other's files.
 * The holder's pid is kept inside: a lock whose holder died (SIGKILL, a
 * reboot) is taken over. `onWait` is called once, when the lock is busy.
 */
export async function withDirLock<T>(lockDir: string, work: () => Promise<T>, onWait: (holder: number) => void = () => undefined): Promise<T> {
  let told = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(lockDir);
      const abandoned = holder === undefined ? ageMs(lockDir) > UNWRITTEN_GRACE_MS : !isAlive(holder);
      if (abandoned) {
        // the holder is gone (SIGKILL, a reboot): its half-done work is redone by us
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!told && holder !== undefined) onWait(holder);
      told ||= holder !== undefined;
      await sleep(POLL_MS);
    }
  }
  writeFileSync(join(lockDir, 'pid'), `${process.pid}\n`);
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function holderOf(lockDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(lockDir: string): number {
  try {
    return Date.now() - statSync(lockDir).mtimeMs;
  } catch {
    return 0; // gone meanwhile: the next mkdir decides
  }
}
