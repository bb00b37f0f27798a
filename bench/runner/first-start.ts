/**
 * The operator's first start (issue 20): from `npm start` — the README's main
 * command, `scripts/start.sh`, with its set-up checks — on a fresh state dir
 * to four weeks visible in the dashboard (SPEC §6: ≤ 60 s on warm caches).
 * "Visible" is the dashboard's own answer: `/api/overview` says the marts hold
 * 28 days. Each round starts from a new state dir, and ends with SIGINT (the
 * run stops the stack it started). The warm rounds give a median; one round
 * with empty caches (a new TURNOVER_CACHE_DIR and Maven repository, so the
 * Kafka jars are resolved from Maven Central again) is stated beside it.
 *
 *   node dist/bench/runner/first-start.js [warm rounds, default 3] [--cold]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/process/ports.js';
import { PACKAGE_ROOT } from '../../test/support/paths.js';
import { machineLine } from '../harness/machine.js';

const FOUR_WEEKS = 28;
const LIMIT_MS = 300_000;

interface Round {
  readonly dashboardMs: number;
  readonly visibleMs: number;
}

async function overview(port: number): Promise<{ status?: string; marts?: { daysWithData: number } } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/overview`, { signal: AbortSignal.timeout(2_000) });
    return (await response.json()) as { status?: string; marts?: { daysWithData: number } };
  } catch {
    return undefined;
  }
}

async function round(cold: boolean): Promise<Round> {
  const state = mkdtempSync(join(tmpdir(), 'turnover-first-start-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', TURNOVER_LOG_LEVEL: 'warn' };
  if (cold) {
    env.TURNOVER_CACHE_DIR = join(state, 'cache');
    env.MAVEN_OPTS = `${process.env.MAVEN_OPTS ?? ''} -Dmaven.repo.local=${join(state, 'm2')}`.trim();
  }
  const started = Date.now();
  const child = spawn('bash', [join(PACKAGE_ROOT, 'scripts', 'start.sh'), '--state-dir', join(state, 'turnover'), '--port', String(port), '--kafka-port', '0', '--postgres-port', '0'], {
    cwd: PACKAGE_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let dashboardMs: number | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (dashboardMs === undefined && /http:\/\/127\.0\.0\.1:\d+/.test(output)) dashboardMs = Date.now() - started;
  });
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output.slice(-3000)}`);
      if (Date.now() - started > LIMIT_MS) throw new Error(`four weeks not visible after ${LIMIT_MS / 1000} s:\n${output.slice(-3000)}`);
      const answer = await overview(port);
      if (answer?.status === 'ok' && (answer.marts?.daysWithData ?? 0) >= FOUR_WEEKS) return { dashboardMs: dashboardMs ?? Date.now() - started, visibleMs: Date.now() - started };
      await sleep(200);
    }
  } finally {
    process.kill(-child.pid!, 'SIGINT');
    const stopped = await Promise.race([exited, sleep(60_000).then(() => 'timeout' as const)]);
    if (stopped === 'timeout') process.kill(-child.pid!, 'SIGKILL');
    rmSync(state, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(machineLine());
  const warm: Round[] = [];
  for (let i = 1; i <= rounds; i++) {
    const r = await round(false);
    warm.push(r);
    say(`warm round ${i}: dashboard URL printed after ${s(r.dashboardMs)}, four weeks visible after ${s(r.visibleMs)}`);
  }
  say(`warm caches, median of ${rounds}: dashboard ${s(median(warm.map((r) => r.dashboardMs)))}, four weeks visible ${s(median(warm.map((r) => r.visibleMs)))} (target ≤ 60 s)`);
  if (process.argv.includes('--cold')) {
    const r = await round(true);
    say(`empty caches (new TURNOVER_CACHE_DIR and Maven repository): dashboard ${s(r.dashboardMs)}, four weeks visible ${s(r.visibleMs)}`);
  }
  say(machineLine());
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
