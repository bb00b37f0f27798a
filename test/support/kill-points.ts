import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { PausePhase } from '../../src/test-hooks/pause-point.js';
import { track } from './child-processes.js';
import { CLI } from './cli.js';

/**
 * Stopping a real `turnover` process at an exact phase of its work, proving
 * it got there, and killing it with SIGKILL. Two ways, each where the phase
 * lives:
 *
 * - a statement in the database (a COPY into STG, a DELETE of replaced rows,
 *   a mart's INSERT, the queue's DELETE, a COMMIT): a trigger on the table
 *   waits on an advisory lock the test holds, so the statement is stopped in
 *   the server, half done, with the transaction open — the kill lands
 *   *during* that statement. pg_stat_activity shows the process's backend
 *   waiting in it: that is the proof it got there. A deferred constraint
 *   trigger stops the COMMIT itself. Nothing in the product is changed.
 * - a moment in the process (a chunk read but not parsed, a parse worker
 *   holding a chunk, between two chunks or two days): the test-only pause
 *   point of src/test-hooks/pause-point.ts, which writes a file when the
 *   process is there.
 *
 * Polling pg_stat_activity alone would not do: the statements of a small
 * chunk last milliseconds, and a kill that lands after them proves nothing.
 */

/** The advisory lock a stall trigger waits on while the test holds it. */
const STALL_LOCK = 17_017_000;

/** A `turnover` command in a child process, for a kill test. */
export class CliProcess {
  readonly #child: ChildProcess;
  readonly #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #stdout = '';
  #exited = false;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.#child = track(spawn(process.execPath, [CLI, ...args], { env: { ...process.env, TURNOVER_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.#child.stdout!.on('data', (c: Buffer) => (this.#stdout += c.toString('utf8')));
    this.#child.stderr!.on('data', (c: Buffer) => (this.#stderr += c.toString('utf8')));
    this.#exit = new Promise((resolve) =>
      this.#child.once('exit', (code, signal) => {
        this.#exited = true;
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get exited(): boolean {
    return this.#exited;
  }

  get output(): string {
    return `stdout: ${this.#stdout.trim()}\nstderr: ${this.#stderr.trim().split('\n').slice(-20).join('\n')}`;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** SIGKILL; resolves with how it ended (signal SIGKILL when it was still running). */
  async kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.#exited) this.#child.kill('SIGKILL');
    return this.#exit;
  }

  /** A graceful stop (SIGTERM): resolves with how it ended. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.#exited) this.#child.kill('SIGTERM');
    return this.#exit;
  }

  wait(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exit;
  }
}

/** Where a process was stopped: what a kill test asserts before the kill. */
export interface Reached {
  /** The statement a stalled backend is running (pg_stat_activity), or the pause point. */
  readonly where: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A kill point made ready in a database (or the process's environment). */
export interface Armed {
  /** Environment for the process under test. */
  readonly env: Readonly<Record<string, string>>;
  /** Resolves once the process is stopped at the point (fails if it ends first). */
  reached(process: CliProcess): Promise<Reached>;
  /** Lets whatever the server still runs for the dead process go on (it then finds its client gone). */
  release(): Promise<void>;
  /** Removes what `arm` installed; call after the dead process's backends are gone. */
  disarm(): Promise<void>;
}

export interface TriggerStall {
  /** The table whose trigger stops the statement, e.g. `stg.transactions`. */
  readonly table: string;
  readonly on: 'insert' | 'delete' | 'insert or update';
  /** A constraint trigger deferred to COMMIT: stops the commit itself. */
  readonly atCommit?: boolean;
  /** Stop only when this SQL condition holds (it may read `new` / `old` and the session's temporary tables). */
  readonly when?: string;
  /** The statement the stopped backend must be running (pg_stat_activity.query). */
  readonly statement: RegExp;
}

/** Stops a statement inside the server: a trigger waits on an advisory lock the test holds. */
export async function armTriggerStall(url: string, stall: TriggerStall): Promise<Armed> {
  const admin = await connect(url);
  try {
    await admin.query(`create function public.kill_point_stall() returns trigger language plpgsql as $$
      begin
        if ${stall.when ?? 'true'} then
          perform pg_advisory_xact_lock_shared(${STALL_LOCK});
        end if;
        if tg_op = 'DELETE' then return old; end if;
        return new;
      end $$`);
    const events = stall.on;
    await admin.query(
      stall.atCommit
        ? `create constraint trigger kill_point_stall after ${events} on ${stall.table} deferrable initially deferred for each row execute function public.kill_point_stall()`
        : `create trigger kill_point_stall before ${events} on ${stall.table} for each row execute function public.kill_point_stall()`,
    );
  } finally {
    await admin.end();
  }
  return holdAndWatch(url, {
    hold: async (holder) => void (await holder.query('select pg_advisory_lock($1)', [STALL_LOCK])),
    waiting: (row) => row.wait_event_type === 'Lock' && row.wait_event === 'advisory' && stall.statement.test(row.query),
    disarm: async (admin) => {
      await admin.query(`drop trigger kill_point_stall on ${stall.table}`);
      await admin.query('drop function public.kill_point_stall()');
    },
  });
}

/** Stops a reading statement: the test holds an exclusive lock on the table it reads. */
export async function armTableLock(url: string, table: string, statement: RegExp): Promise<Armed> {
  return holdAndWatch(url, {
    hold: async (holder) => {
      await holder.query('begin');
      await holder.query(`lock table ${table} in access exclusive mode`);
    },
    waiting: (row) => row.wait_event_type === 'Lock' && row.wait_event === 'relation' && statement.test(row.query),
    disarm: async () => undefined,
  });
}

interface ActivityRow {
  readonly pid: number;
  readonly query: string;
  readonly wait_event_type: string | null;
  readonly wait_event: string | null;
}

async function holdAndWatch(
  url: string,
  how: { hold: (holder: pg.Client) => Promise<void>; waiting: (row: ActivityRow) => boolean; disarm: (admin: pg.Client) => Promise<void> },
): Promise<Armed> {
  const holder = await connect(url);
  await how.hold(holder);
  const holderPid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  return {
    env: {},
    async reached(process) {
      const watcher = await connect(url);
      try {
        for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
          const { rows } = await watcher.query<ActivityRow>(
            `select pid, query, wait_event_type, wait_event from pg_stat_activity
             where datname = current_database() and pid not in (pg_backend_pid(), $1)`,
            [holderPid],
          );
          const stopped = rows.find(how.waiting);
          if (stopped) return { where: statementOf(stopped.query), detail: { pid: stopped.pid } };
          if (process.exited) throw new Error(`the process ended before reaching the kill point:\n${process.output}`);
          await sleep(25);
        }
        throw new Error(`the process did not reach the kill point in 120 s:\n${process.output}`);
      } finally {
        await watcher.end();
      }
    },
    async release() {
      await holder.end();
    },
    async disarm() {
      const admin = await connect(url);
      try {
        await how.disarm(admin);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Stops the process at a pause point of its own (src/test-hooks/pause-point.ts). */
export function armPause(phase: PausePhase, arrival: number): Armed {
  const dir = mkdtempSync(join(tmpdir(), 'turnover-pause-'));
  const file = join(dir, `${phase}.json`);
  return {
    env: { TURNOVER_TEST_PAUSE_AT: `${phase}#${arrival}`, TURNOVER_TEST_PAUSE_DIR: dir },
    async reached(process) {
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
        if (existsSync(file)) {
          const detail = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
          if (detail.pid !== process.pid) throw new Error(`pause file of another process: ${JSON.stringify(detail)}`);
          return { where: `${phase}#${arrival}`, detail };
        }
        if (process.exited) throw new Error(`the process ended before reaching ${phase}#${arrival}:\n${process.output}`);
        await sleep(25);
      }
      throw new Error(`the process did not reach ${phase}#${arrival} in 120 s:\n${process.output}`);
    },
    async release() {},
    async disarm() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until no backend but this check's own serves the database: the dead process's transactions are over. */
export async function untilNoBackends(url: string): Promise<void> {
  const client = await connect(url);
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      if (rows[0]!.n === 0) return;
      await sleep(25);
    }
    throw new Error(`backends of a killed process still serve ${new URL(url).pathname}`);
  } finally {
    await client.end();
  }
}

/** A new database with the content of `template` (which nobody may be connected to). */
export async function cloneDatabase(adminUrl: string, template: string, name: string): Promise<string> {
  const admin = await connect(adminUrl);
  try {
    await admin.query(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  return adminUrl.replace(/\/[^/]+$/, `/${name}`);
}

export const databaseOf = (url: string): string => new URL(url).pathname.slice(1);

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'kill-test' });
  // a crash test kills the server under the lock holder: its query or end() reports it
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A statement without its comment lines (our SQL files open with comments), on one line, shortened. */
function statementOf(query: string): string {
  const text = query
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Runs `turnover <args>`, waits until it is stopped at the armed point, kills
 * it with SIGKILL there, lets the server finish what it was doing for it, and
 * disarms the point once no backend of the dead process is left in any of
 * `databases`. Fails if the process ended on its own before the point.
 */
export async function killAt(armed: Armed, args: readonly string[], env: NodeJS.ProcessEnv, databases: readonly string[]): Promise<Reached> {
  const process = new CliProcess(args, { ...env, ...armed.env });
  let reached: Reached;
  let exit: Awaited<ReturnType<CliProcess['kill']>>;
  try {
    reached = await armed.reached(process);
  } finally {
    exit = await process.kill();
    await armed.release();
  }
  if (exit.signal !== 'SIGKILL') throw new Error(`the process was not running when killed (${JSON.stringify(exit)}):\n${process.output}`);
  for (const url of databases) await untilNoBackends(url);
  await armed.disarm();
  return reached;
}
