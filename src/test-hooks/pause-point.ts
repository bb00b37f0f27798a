import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors.js';

/**
 * Test-only: makes a command stop at a named phase of its work, so that a
 * kill test can SIGKILL the real process exactly there
 * (test/support/kill-points.ts). Phases that are a statement in the
 * warehouse are stopped inside the database instead (a trigger waiting on a
 * lock the test holds): only the moments that live in the process itself
 * are here.
 *
 * Two environment variables, read once at the command's edge, never a flag:
 *   TURNOVER_TEST_PAUSE_AT=<phase>[#<n>]   the phase, and which arrival at it (default the first)
 *   TURNOVER_TEST_PAUSE_DIR=<dir>          where the process says it is there
 * On that arrival the process writes `<dir>/<phase>.json` (its pid and what
 * it was doing) and waits until `<dir>/<phase>.release` exists. Unset — in
 * production — a pause point costs one comparison per chunk or per day.
 */
export const PAUSE_PHASES = {
  'stg-chunk-read': 'load-stg: a chunk was read from the landing zone and not yet handed to a parser',
  'stg-parse': 'load-stg: a parse worker holds a chunk',
  'stg-chunk-committed': 'load-stg: a chunk committed, the next one not begun',
  'marts-step-committed': 'build-marts: a transaction (a day) committed, the next one not begun by this worker',
} as const;

export type PausePhase = keyof typeof PAUSE_PHASES;

/** Where to pause: the phase, its n-th arrival (1-based), the folder to announce it in. */
export interface PauseAt {
  readonly phase: PausePhase;
  readonly arrival: number;
  readonly dir: string;
}

/** Where the two variables come from: the command's test hooks (src/command/edge-values.ts). */
export interface PauseHooks {
  get(name: 'TURNOVER_TEST_PAUSE_AT' | 'TURNOVER_TEST_PAUSE_DIR'): string | undefined;
}

export function pauseAtFromEnv(hooks: PauseHooks): PauseAt | undefined {
  const spec = hooks.get('TURNOVER_TEST_PAUSE_AT');
  if (spec === undefined || spec === '') return undefined;
  const match = /^([a-z-]+)(?:#([1-9]\d*))?$/.exec(spec);
  if (!match || !(match[1]! in PAUSE_PHASES)) {
    throw new ConfigError(`TURNOVER_TEST_PAUSE_AT=${spec} is not <phase>[#<n>] with a known phase (${Object.keys(PAUSE_PHASES).join(', ')})`);
  }
  const dir = hooks.get('TURNOVER_TEST_PAUSE_DIR');
  if (!dir) throw new ConfigError('TURNOVER_TEST_PAUSE_AT is set without TURNOVER_TEST_PAUSE_DIR');
  return Object.freeze({ phase: match[1] as PausePhase, arrival: Number(match[2] ?? 1), dir });
}

/** Counts arrivals at the configured phase; pauses the process at the configured one. */
export class PausePoint {
  #arrivals = 0;

  constructor(private readonly at: PauseAt | undefined) {}

  /** Counts an arrival at `phase`; where to pause exactly at the arrival to pause at (another thread may do the pausing). */
  arrives(phase: PausePhase): PauseAt | undefined {
    if (this.at?.phase !== phase) return undefined;
    this.#arrivals += 1;
    return this.#arrivals === this.at.arrival ? this.at : undefined;
  }

  /** At once, except at the arrival to pause at: says so, then waits for the release (or the kill). */
  async reached(phase: PausePhase, detail: Readonly<Record<string, unknown>>): Promise<void> {
    const at = this.arrives(phase);
    if (!at) return;
    announcePause(at, detail);
    while (!existsSync(releaseFile(at))) await sleep(20);
  }
}

/** Writes `<dir>/<phase>.json` whole (rename), so a test never reads half of it. */
export function announcePause(at: PauseAt, detail: Readonly<Record<string, unknown>>): void {
  const file = join(at.dir, `${at.phase}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify({ phase: at.phase, arrival: at.arrival, pid: process.pid, ...detail }));
  renameSync(`${file}.tmp`, file);
}

/** Blocks this thread until the release (for a worker thread, whose work is synchronous). */
export function waitForReleaseSync(at: PauseAt): void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(releaseFile(at))) Atomics.wait(cell, 0, 0, 20);
}

function releaseFile(at: PauseAt): string {
  return join(at.dir, `${at.phase}.release`);
}
