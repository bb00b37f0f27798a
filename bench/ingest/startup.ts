/**
 * Start-up of `turnover ingest` (issue 22 asks for < 0.5 s): from process
 * launch to the first landed row, on a warm stack, and the process's CPU
 * while it then idles in its consumer group (heartbeats, empty fetches).
 *
 *   node dist/bench/ingest/startup.js [rounds]        (default 5)
 *
 * Env: TURNOVER_BENCH_CLIS=<bin/turnover.js of another checkout>,… measures
 * other builds in the same run, alternating (e.g. main's, for a before/after);
 * TURNOVER_TEST_STATE_DIR to reuse a running stack.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { CLI } from '../../test/support/cli.js';
import { useStack } from '../../test/support/stack.js';
import { produceFeed } from '../../test/ingest/feed.js';
import { cpuSeconds, machineLine } from '../harness/machine.js';

const IDLE_S = 20;

async function migrate(cli: string, url: string): Promise<void> {
  const child = spawn(process.execPath, [cli, 'migrate', '--only', 'landing'], { env: { ...process.env, TURNOVER_LANDING_URL: url }, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`migrate with ${cli} exited ${code}`);
}

/** Launch → first landed row (ms), and CPU-s over IDLE_S seconds of idling afterwards. */
async function once(cli: string, env: Record<string, string>, url: string): Promise<{ firstRowMs: number; idleCpuS: number }> {
  const poll = new pg.Client({ connectionString: url });
  await poll.connect();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [cli, 'ingest', '--progress-interval', '0'], { env: { ...process.env, ...env, TURNOVER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`ingest exited ${child.exitCode}`);
      const landed = Number((await poll.query('select coalesce(sum(next_offset), 0) as n from raw.consumer_offsets')).rows[0].n);
      if (landed > 0) break;
      await sleep(5);
    }
    const firstRowMs = Number(process.hrtime.bigint() - started) / 1e6;
    const cpu0 = cpuSeconds(child.pid!);
    await sleep(IDLE_S * 1000);
    return { firstRowMs, idleCpuS: cpuSeconds(child.pid!) - cpu0 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await poll.end();
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const clis = [CLI, ...(process.env.TURNOVER_BENCH_CLIS ?? '').split(',').filter(Boolean)];
  const t = await useStack();
  try {
    const topic = await t.freshTopic('bench_startup', 3);
    await produceFeed(t.kafka, topic, { from: 0, count: 3_000, partitions: 3 });
    console.log(machineLine());
    const results = new Map<string, { firstRowMs: number; idleCpuS: number }[]>(clis.map((c) => [c, []]));
    for (let round = 0; round < rounds; round++) {
      for (const cli of clis) {
        const { stagingUrl } = await t.freshDatabases('bench_startup');
        await migrate(cli, stagingUrl);
        const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: `startup-${round}-${clis.indexOf(cli)}` };
        results.get(cli)!.push(await once(cli, env, stagingUrl));
      }
    }
    console.log(`| build | launch → first landed row, ms (median, range) | CPU-s over ${IDLE_S} s idle in the group (median) |\n|---|---|---|`);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    for (const [cli, runs] of results) {
      const ms = runs.map((r) => r.firstRowMs);
      console.log(`| ${cli} | ${median(ms).toFixed(0)} (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}) | ${median(runs.map((r) => r.idleCpuS)).toFixed(2)} |`);
    }
    console.log(machineLine());
  } finally {
    await t.release();
  }
}

await main();
