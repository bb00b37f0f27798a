import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Small process helpers for the servers the local stack runs. */

export function isAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) still answers kill(0) but is not running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return true;
  }
}

/** Reads `/proc/<pid>/cmdline` to make sure a pid from a pid file is still our process. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/**
 * The pid in a pid file when that process still runs and is ours: its command
 * line contains every one of `marks` (a reused pid belongs to someone else).
 */
export function ourPid(pidFile: string, marks: readonly string[]): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const cmdline = commandLineOf(pid);
  const ours = cmdline === undefined || marks.every((mark) => cmdline.includes(mark));
  return ours && isAlive(pid) ? pid : undefined;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

/** Last lines of a log file, for "failed to start" messages. */
export function tailFile(path: string, lines = 20): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSyncAll(fd, buffer, size - length);
    return buffer.toString('utf8').split('\n').filter(Boolean).slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

function readSyncAll(fd: number, buffer: Buffer, position: number): void {
  let done = 0;
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, capturing its output (for initdb, pg_ctl, mvn, java -version). */
export function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
