/**
 * Spark engine benchmark (issue 11, SPEC §6): one topic, one run, side by side
 *   - turnover ingest (node engine, exactly-once)
 *   - turnover ingest --engine spark (exactly-once)
 *   - plain Structured Streaming, foreachBatch + JDBC append (at-least-once; bench/spark/plain_job.py)
 * each into a fresh landing database, then each once more with a SIGKILL of
 * its whole process group at ~40% and a restart, counting duplicates.
 *
 *   node dist/bench/spark/spark-engines.js [messages] [--json]     (default 1,000,000)
 *
 * Throughput: a warm-up run of plain (not counted), then ROUNDS (default 3)
 * rounds, each running plain and then every other engine, so that each round
 * gives each engine one ratio to plain, from launch and in steady state
 * (rows landed after the engine said it is consuming, over the time since);
 * medians, ranges and verdicts come from bench/harness.
 *
 * Env: TURNOVER_BENCH_SIZE (pad values to N bytes; default: the live feed's
 * own ~400 B), TURNOVER_BENCH_SPARK_CONF (extra `key=value,…` for the
 * exactly-once job, e.g. spark.turnover.maxRecordsPerBatch=100000),
 * TURNOVER_BENCH_RUNS (default throughput,kill), TURNOVER_BENCH_ENGINES (default
 * node,spark,plain,staging; staging = bench/spark/staging_job.py, the
 * staging-table design measured for docs/spark.md), TURNOVER_TEST_STATE_DIR to
 * reuse a running stack; ROUNDS; BENCH_JSON=path (or --json: the JSON on
 * stdout, the report on stderr).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pickValues, SECRET_NAMES } from '../../src/command/edge-values.js';
import { parseOptions } from '../../src/command/option-values.js';
import { INGEST_OPTIONS } from '../../src/ingest/command.js';
import { ingestConfigFrom } from '../../src/ingest/options.js';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir, PACKAGE_ROOT } from '../../src/paths.js';
import { jobEnvironment, prepareSpark, sparkLaunchConfigFrom, submitArguments } from '../../src/ingest/engines/spark/index.js';
import { CLI } from '../../test/support/cli.js';
import { useStack, type TestStack } from '../../test/support/stack.js';
import { feedValue, liveFeedTemplates, produceFeed } from '../../test/ingest/feed.js';
import { migrateLanding, withClient } from '../../test/ingest/ingest-harness.js';
import { cpuSeconds, machineLine } from '../harness/machine.js';
import { dropDatabases } from '../harness/databases.js';
import { BenchReport } from '../harness/report.js';
import { cpuSecondsUp, megabytesUp, percentDown, rateDown } from '../harness/rounding.js';
import { roundsFrom, runRounds } from '../harness/rounds.js';
import { steadyFrom, type Sample } from '../harness/steady.js';
import type { Target } from '../harness/verdict.js';
import { GroupSampler } from './process-group.js';

const PARTITIONS = 3;
const MASTER = 'local[2]';
const PLAIN_JOB = join(PACKAGE_ROOT, 'bench', 'spark', 'plain_job.py');
const STAGING_JOB = join(PACKAGE_ROOT, 'bench', 'spark', 'staging_job.py');
/** node / spark: `turnover ingest --engine …`; plain: the reference; staging: the design not taken (staging table + move). */
type Engine = 'node' | 'spark' | 'plain' | 'staging';

interface Launch {
  readonly child: ChildProcess;
  /** Last output lines, for the error when it dies. */
  readonly tail: string[];
  /** Resolves when the engine says it is consuming (start-up over). */
  readonly ready: Promise<number>;
}

interface Result {
  readonly engine: Engine;
  readonly startupS: number;
  readonly allLandedS: number;
  /** All rows over launch to the last row landed. */
  readonly launchRate: number;
  /** Rows landed after the engine said it is consuming, over the time since. */
  readonly steadyRate: number;
  readonly peakRssMb: number;
  readonly cpuPerM: number;
  /** CPU of the PostgreSQL backends serving the run. */
  readonly pgCpuPerM: number;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function launch(engine: Engine, t: TestStack, stagingUrl: string, topic: string, group: string, extra: { checkpoint?: string; table?: string }): Launch {
  const env = { ...process.env, ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: group };
  let child: ChildProcess;
  if (engine === 'plain' || engine === 'staging') {
    const config = sparkLaunchConfigFrom(ingestConfigFrom(parseOptions(INGEST_OPTIONS, { brokers: t.env.TURNOVER_KAFKA_BROKERS, topic, group, stagingUrl }), pickValues(env, SECRET_NAMES)), { master: MASTER });
    const args = submitArguments(config, spark!.jars, engine === 'plain' ? PLAIN_JOB : STAGING_JOB);
    child = spawn(spark!.sparkSubmit, args, {
      env: {
        // a fresh topic and landing: incarnation 0
        ...jobEnvironment(config, spark!.venvDir, env, process.pid, { incarnation: 0, topicId: null }),
        PLAIN_TABLE: extra.table ?? 'raw.kafka_messages',
        PLAIN_CHECKPOINT: extra.checkpoint!,
        PLAIN_MAX_OFFSETS: engine === 'plain' ? '0' : '200000',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
  } else {
    const args = ['ingest', '--engine', engine, '--progress-interval', '0'];
    if (engine === 'spark') {
      args.push('--master', MASTER);
      for (const kv of (process.env.TURNOVER_BENCH_SPARK_CONF ?? '').split(',').filter(Boolean)) args.push('--conf', kv);
    }
    child = spawn(process.execPath, [CLI, ...args], { env: { ...env, TURNOVER_LOG_LEVEL: 'info', TURNOVER_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  }
  const tail: string[] = [];
  const ready = new Promise<number>((resolve) => {
    const watch = (stream: NodeJS.ReadableStream | null): void => {
      if (!stream) return;
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (/"event": ?"running"|"msg":"ingesting/.test(line)) resolve(Date.now());
      });
    };
    watch(child.stdout);
    watch(child.stderr);
  });
  return { child, ready, tail };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // gone
  }
}

async function landed(poll: pg.Client, engine: Engine, distinct = false): Promise<number> {
  if (engine !== 'plain') return Number((await poll.query('select coalesce(sum(next_offset), 0) as n from raw.consumer_offsets')).rows[0].n);
  const sql = distinct ? 'select count(distinct (partition, "offset")) as n from raw_plain' : 'select count(*) as n from raw_plain';
  return Number((await poll.query(sql.replace('raw_plain', plainTable))).rows[0].n);
}

let spark: Awaited<ReturnType<typeof prepareSpark>> | undefined;
let plainTable = 'raw.kafka_messages';

async function waitLanded(poll: pg.Client, engine: Engine, run: Launch, target: number, onSample: () => void, distinct = false, onLanded: (n: number) => void = () => undefined): Promise<void> {
  let last = { n: -1, at: Date.now() };
  for (;;) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`${engine} exited (${run.child.exitCode ?? run.child.signalCode}):\n${run.tail.join('\n')}`);
    onSample();
    const n = await landed(poll, engine, distinct);
    onLanded(n);
    if (n >= target) return;
    if (n !== last.n) last = { n, at: Date.now() };
    if (Date.now() - last.at > 180_000) throw new Error(`${engine} stalled at ${n} of ${target}`);
    await sleep(distinct ? 1_000 : 150);
  }
}

async function throughput(engine: Engine, t: TestStack, topic: string, messages: number): Promise<Result> {
  const databases = await t.freshDatabases(`bench_spark_${engine}`);
  const { stagingUrl } = databases;
  await migrateLanding(stagingUrl);
  plainTable = 'raw.kafka_messages';
  const checkpoint = mkdtempSync(join(tmpdir(), 'turnover-bench-plain-'));
  const poll = new pg.Client({ connectionString: stagingUrl });
  await poll.connect();
  const started = Date.now();
  const run = launch(engine, t, stagingUrl, topic, `bench-${engine}-${started}`, { checkpoint });
  const group = new GroupSampler(run.child.pid!);
  let peak = 0;
  let cpu = 0;
  const backends = new Map<number, number>();
  const pollPid = Number((await poll.query('select pg_backend_pid() as pid')).rows[0].pid);
  const samples: Sample[] = [];
  try {
    await waitLanded(poll, engine, run, messages, () => {
      const s = group.sample();
      peak = Math.max(peak, s.rssMb);
      cpu = Math.max(cpu, s.cpuSeconds);
      void poll.query('select pid from pg_stat_activity where datname = current_database() and pid <> $1', [pollPid]).then(({ rows }) => {
        for (const r of rows) backends.set(Number(r.pid), Math.max(backends.get(Number(r.pid)) ?? 0, cpuSeconds(Number(r.pid)) || 0));
      }, () => undefined);
    }, false, (n) => samples.push({ atS: (Date.now() - started) / 1000, rows: n }));
    // the last sample is the poll that saw every row: the run's end
    const doneS = samples.at(-1)!.atS;
    const ready = await Promise.race([run.ready, sleep(0).then(() => started)]);
    const steady = steadyFrom(samples, (ready - started) / 1000);
    return {
      engine,
      startupS: (ready - started) / 1000,
      allLandedS: doneS,
      launchRate: messages / doneS,
      steadyRate: steady?.rowsPerS ?? Number.NaN,
      peakRssMb: peak,
      cpuPerM: cpu * (1e6 / messages),
      pgCpuPerM: [...backends.values()].reduce((a, b) => a + b, 0) * (1e6 / messages),
    };
  } finally {
    killGroup(run.child, engine === 'plain' ? 'SIGKILL' : 'SIGTERM');
    await poll.end();
    await sleep(3_000);
    killGroup(run.child, 'SIGKILL');
    rmSync(checkpoint, { recursive: true, force: true });
    await dropDatabases(t, [databases.stagingUrl, databases.warehouseUrl]);
  }
}

/** SIGKILL of the whole process group at ~40%, restart (plain: on its checkpoint), then count. */
async function afterKill(engine: Engine, t: TestStack, topic: string, messages: number): Promise<{ duplicates: number; missing: number }> {
  const databases = await t.freshDatabases(`bench_kill_${engine}`);
  const { stagingUrl } = databases;
  await migrateLanding(stagingUrl);
  plainTable = 'raw.kafka_messages';
  if (engine === 'plain') {
    // no unique key, so that replayed rows show up instead of failing the job
    plainTable = 'bench.plain_messages';
    await withClient(stagingUrl, (c) => c.query('create schema bench; create table bench.plain_messages (like raw.kafka_messages including defaults)'));
  }
  const checkpoint = mkdtempSync(join(tmpdir(), 'turnover-bench-plain-'));
  const group = `bench-kill-${engine}-${Date.now()}`;
  const poll = new pg.Client({ connectionString: stagingUrl });
  await poll.connect();
  try {
    const first = launch(engine, t, stagingUrl, topic, group, { checkpoint, table: plainTable });
    await waitLanded(poll, engine, first, Math.round(messages * 0.4), () => undefined);
    killGroup(first.child, 'SIGKILL');
    await sleep(1_000);
    const second = launch(engine, t, stagingUrl, topic, group, { checkpoint, table: plainTable });
    try {
      await waitLanded(poll, engine, second, messages, () => undefined, engine === 'plain');
      if (engine === 'plain') await sleep(5_000); // let the replayed batch finish writing
    } finally {
      killGroup(second.child, engine === 'plain' ? 'SIGKILL' : 'SIGTERM');
      await sleep(3_000);
      killGroup(second.child, 'SIGKILL');
    }
    const { rows } = await poll.query(`select count(*) as n, count(distinct (partition, "offset")) as d from ${plainTable}`);
    return { duplicates: Number(rows[0].n) - Number(rows[0].d), missing: messages - Number(rows[0].d) };
  } finally {
    await poll.end();
    rmSync(checkpoint, { recursive: true, force: true });
    await dropDatabases(t, [databases.stagingUrl, databases.warehouseUrl]);
  }
}

/** SPEC §6: the node engine ≥ 2× plain, the Spark engine ≥ 80% of plain (both stated for the same run). */
const TARGETS: Partial<Record<Engine, Target[]>> = {
  node: [{ better: 'higher', bound: 2, source: 'SPEC §6' }],
  spark: [{ better: 'higher', bound: 0.8, source: 'SPEC §6' }],
};

async function main(): Promise<void> {
  const report = new BenchReport('Spark: the node and Spark engines against plain Structured Streaming, same run');
  const messages = Number(report.args.positional[0] ?? 1_000_000);
  const size = process.env.TURNOVER_BENCH_SIZE ? Number(process.env.TURNOVER_BENCH_SIZE) : undefined;
  const runs = (process.env.TURNOVER_BENCH_RUNS ?? 'throughput,kill').split(',');
  const engines = (process.env.TURNOVER_BENCH_ENGINES ?? 'node,spark,plain,staging').split(',') as Engine[];
  const rounds = roundsFrom(process.env);
  report.settings({ messages, size: size ?? 'natural', runs: runs.join(','), engines: engines.join(','), rounds, master: MASTER });
  spark = await prepareSpark(defaultCacheDir(process.env), silentLogger(), process.env);
  const t = await useStack();
  try {
    const topic = await t.freshTopic('bench_spark', PARTITIONS);
    const produceStart = Date.now();
    await produceFeed(t.kafka, topic, { from: 0, count: messages, partitions: PARTITIONS, targetBytes: size });
    const templates = liveFeedTemplates();
    const avg = Math.round(templates.reduce((n, _, i) => n + feedValue(templates, i, size).length, 0) / templates.length);
    report.log(`### ${fmt(messages)} messages (avg value ${avg} B), ${PARTITIONS} partitions, Spark master ${MASTER}`);
    report.log(`produced in ${((Date.now() - produceStart) / 1000).toFixed(1)} s (kafkajs producer)`);
    if (runs.includes('throughput')) {
      const hasPlain = engines.includes('plain');
      const others = engines.filter((e) => e !== 'plain');
      report.log(hasPlain ? 'warm-up: plain once, not counted' : 'no plain in TURNOVER_BENCH_ENGINES: no ratios, no warm-up');
      report.log('| round | engine | start-up s | msg/s from launch | msg/s steady | vs plain of the round: launch (steady) | launch to all landed s | peak RSS MB (all its processes) | CPU-s per 1M: its processes | PostgreSQL backends |\n|---|---|---|---|---|---|---|---|---|---|');
      const measured = await runRounds({
        rounds,
        warmUp: hasPlain ? () => throughput('plain', t, topic, messages) : undefined,
        reference: hasPlain ? () => throughput('plain', t, topic, messages) : undefined,
        subject: async () => {
          const results: Result[] = [];
          for (const engine of others) {
            results.push(await throughput(engine, t, topic, messages));
            report.log(machineLine());
          }
          return results;
        },
        onRound: ({ round, reference: plain, subject }) => {
          for (const r of plain ? [plain, ...subject] : subject) {
            const vs = plain && r !== plain ? `${percentDown(r.launchRate / plain.launchRate)} (${percentDown(r.steadyRate / plain.steadyRate)})` : '';
            report.log(
              `| ${round} | ${r.engine} | ${r.startupS.toFixed(1)} | ${rateDown(r.launchRate)} | ${rateDown(r.steadyRate)} | ${vs} | ${r.allLandedS.toFixed(1)} | ${r.peakRssMb} | ${r.cpuPerM.toFixed(1)} | ${r.pgCpuPerM.toFixed(1)} |`,
            );
          }
          report.round({ round, plain, engines: subject });
        },
      });
      report.log(`\nmedians over ${rounds} rounds:`);
      for (const [e, engine] of (hasPlain ? ['plain' as Engine, ...others] : others).entries()) {
        const results = measured.map((m) => (engine === 'plain' ? m.reference! : m.subject[hasPlain ? e - 1 : e]!));
        report.figure({ name: `${engine}, msg/s from launch`, better: 'higher', format: rateDown }, results.map((r) => r.launchRate));
        report.figure({ name: `${engine}, msg/s steady`, better: 'higher', format: rateDown }, results.map((r) => r.steadyRate));
        report.figure({ name: `${engine}, CPU-s per 1M (its processes)`, better: 'lower', format: cpuSecondsUp }, results.map((r) => r.cpuPerM));
        report.figure({ name: `${engine}, peak RSS`, better: 'lower', format: megabytesUp }, results.map((r) => r.peakRssMb));
        if (!hasPlain || engine === 'plain') continue;
        const plain = measured.map((m) => m.reference!);
        report.figure({ name: `${engine} / plain, from launch`, better: 'higher', format: percentDown, targets: TARGETS[engine] }, results.map((r, i) => r.launchRate / plain[i]!.launchRate));
        report.figure({ name: `${engine} / plain, steady`, better: 'higher', format: percentDown, targets: TARGETS[engine] }, results.map((r, i) => r.steadyRate / plain[i]!.steadyRate));
      }
    }
    if (runs.includes('kill')) {
      report.log('\none run each:\n| engine | SIGKILL at ~40% + restart: duplicates | missing |\n|---|---|---|');
      for (const engine of engines.filter((e) => e !== 'staging')) {
        const { duplicates, missing } = await afterKill(engine, t, topic, messages);
        report.log(`| ${engine} | ${fmt(duplicates)} | ${fmt(missing)} |`);
        report.round({ kill: engine, duplicates, missing });
      }
    }
  } finally {
    await t.release();
  }
  report.finish();
}

await main();
