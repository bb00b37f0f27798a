import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { track } from '../support/child-processes.js';
import { CLI } from '../support/cli.js';

export interface LogLine {
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/**
 * `turnover ingest --engine spark` as a real child process, in its own
 * process group so that one SIGKILL reaches the launcher, the driver JVM and
 * the Python driver at once (a machine crash, as far as they can tell).
 */
export class SparkIngestProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  constructor(env: Readonly<Record<string, string>>, args: readonly string[] = [], master = 'local[2]') {
    this.child = track(
      spawn(process.execPath, [CLI, 'ingest', '--engine', 'spark', '--master', master, '--progress-interval', '2', ...args], {
        env: { ...process.env, ...env, TURNOVER_LOG_LEVEL: 'debug', TURNOVER_LOG_FORMAT: 'json' },
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      }),
    );
    let pending = '';
    this.child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          this.stderr += `${line}\n`;
          continue;
        }
        if (parsed.msg !== 'spark') this.stderr += `${line}\n`;
        this.logs.push(parsed);
        for (const waiter of [...this.#waiters]) {
          if (waiter.test(parsed)) {
            this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
            waiter.resolve(parsed);
          }
        }
      }
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first log line (from now on) that passes the test. */
  next(test: (line: LogLine) => boolean, timeoutMs = 180_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a log line; stderr:\n${this.stderr.slice(-3000)}`)), timeoutMs);
      const done = (line: LogLine): void => {
        clearTimeout(timer);
        resolve(line);
      };
      this.#waiters.push({ test, resolve: done });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the ingester exited while a log line was awaited; stderr:\n${this.stderr.slice(-3000)}`));
      });
    });
  }

  /** The job's batch events (`batch start`, `batch collected`, `batch committed`) in order. */
  batchEvents(): { msg: string; batch: number }[] {
    return this.logs.filter((l) => typeof l.batch === 'number' && String(l.msg).startsWith('batch ')).map((l) => ({ msg: String(l.msg), batch: l.batch as number }));
  }

  /** SIGKILL to the whole process group: launcher, driver JVM and Python driver. */
  async killAll(): Promise<void> {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await this.exited;
    // the driver JVM and the Python driver die with it: wait until the group is empty
    const deadline = Date.now() + 10_000;
    while (groupMembers(this.child.pid!).length > 0 && Date.now() < deadline) await sleep(100);
  }

  /** A graceful stop through the launcher, as an operator's SIGTERM. */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** SQL: a landed row's headers (bytea[n][2]) as JSON `[[name hex, value hex | null], ...]` in order; null when none. */
export const HEADERS_AS_HEX_PAIRS = `(select json_agg(json_build_array(encode(headers[i][1], 'hex'), encode(headers[i][2], 'hex')) order by i)
  from generate_subscripts(headers, 1) as i)`;

export const isBatch = (msg: string, batch?: number) => (l: LogLine): boolean => l.msg === msg && (batch === undefined || l.batch === batch);

/** Live processes of a process group (Linux /proc; zombies excluded). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return members;
}

/** Local addresses of the TCP sockets a process listens on (Linux /proc), e.g. `127.0.0.1:41234`. */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return []; // the process has exited meanwhile
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9]!)) continue; // 0A = LISTEN
      const [hex, port] = cols[1]!.split(':');
      found.push(`${decodeAddress(hex!)}:${parseInt(port!, 16)}`);
    }
  }
  return found;
}

/** /proc/net's hex address (32-bit words in host byte order, little-endian here) as text. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse());
  const bytes = Buffer.concat(words);
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
