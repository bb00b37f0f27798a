import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commandLineOf, isAlive } from './process-state.js';

/**
 * The pid file of a server or runner we started. A pid in it counts as ours
 * only while that process runs and its command line contains every one of
 * `marks`: after a reboot or a crash the pid may belong to someone else, who
 * must neither block a start nor be stopped.
 */
export class PidFile {
  readonly path: string;
  readonly #marks: readonly string[];

  constructor(path: string, marks: readonly string[]) {
    this.path = path;
    this.#marks = marks;
  }

  /** The recorded pid when that process still runs and is ours, else undefined. */
  ours(): number | undefined {
    if (!existsSync(this.path)) return undefined;
    const pid = Number(readFileSync(this.path, 'utf8').trim());
    const cmdline = commandLineOf(pid);
    const ours = cmdline === undefined || this.#marks.every((mark) => cmdline.includes(mark));
    return ours && isAlive(pid) ? pid : undefined;
  }

  write(pid: number): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, `${pid}\n`);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

/** The postmaster's pid from `<dataDir>/postmaster.pid` (PostgreSQL writes and removes it) while it runs. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return isAlive(pid) ? pid : undefined;
}
