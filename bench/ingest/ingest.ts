/**
 * Ingest benchmark (SPEC §6): Kafka → raw landing, exactly-once, against the
 * reference of the same run — PostgreSQL alone absorbing the same rows from
 * one COPY BINARY connection (rows pre-encoded, commit every 10,000, into
 * the same raw.kafka_messages table with its primary key).
 *
 *   node dist/bench/ingest/ingest.js [messages] [--json]        (default 1,000,000)
 *
 * A warm-up run of the reference (not counted), then ROUNDS (default 3)
 * rounds of reference and ingest, each round giving one ratio; the medians,
 * ranges and verdicts come from bench/harness. "Steady" counts only the rows
 * landed after the first poll that saw a row, over the time since that poll.
 *
 * Env: TURNOVER_BENCH_SIZES=natural,600 (value sizes: the live feed's own
 * ~400 B, and padded to 600 B like PLATFORM.md); TURNOVER_BENCH_ENGINES=node
 * (add `spark` once `turnover ingest --engine spark` exists: it is run the
 * same way, as a child process on a fresh landing database, and measured by
 * the same poll of raw.kafka_messages); TURNOVER_TEST_STATE_DIR to reuse a
 * running stack instead of starting a throwaway one; ROUNDS; BENCH_JSON=path
 * (or --json: the JSON on stdout, the report on stderr).
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_HEADER, COPY_TRAILER } from '../../src/db/copy-binary/index.js';
import { LANDING_COLUMNS } from '../../src/landing/index.js';
import type { ProducedMessage } from '../../src/kafka/client.js';
import { landingRows } from '../../test/ingest/landing-rows.js';
import { CLI } from '../../test/support/cli.js';
import { useStack, type TestStack } from '../../test/support/stack.js';
import { feedValue, liveFeedTemplates, produceFeed } from '../../test/ingest/feed.js';
import { migrateLanding, withClient } from '../../test/ingest/ingest-harness.js';
import { cpuSeconds, fmt, machineLine, peakRssMb } from '../harness/machine.js';
import { dropDatabases } from '../harness/databases.js';
import { BenchReport } from '../harness/report.js';
import { cpuSecondsUp, megabytesUp, percentDown, rateDown } from '../harness/rounding.js';
import { roundsFrom, runRounds } from '../harness/rounds.js';
import { steadyFromFirstRow, type Sample } from '../harness/steady.js';
import type { Target } from '../harness/verdict.js';

const PARTITIONS = 3;
const REFERENCE_COMMIT_ROWS = 10_000;

interface Measure {
  readonly what: string;
  /** From process launch (or the reference's first COPY) to the last row landed. */
  readonly rowsPerS: number;
  /** Rows landed after the first poll that saw a row, over the time since that poll (start-up excluded). */
  readonly steadyRowsPerS?: number;
  /** Launch to the first poll that saw a row. */
  readonly firstRowS?: number;
  readonly clientCpuPerM?: number;
  readonly serverCpuPerM?: number;
  readonly peakRssMb?: number;
  readonly brokerCpuPerM?: number;
}

async function deleteTopic(t: TestStack, topic: string): Promise<void> {
  const admin = new Kafka({ brokers: [...t.kafka.brokers], clientId: 'bench-cleanup', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

async function brokerPid(t: TestStack): Promise<number | undefined> {
  return (await t.stack.status()).components.find((c) => c.name === 'kafka')?.pid;
}

/** (a) PostgreSQL alone: the same rows, pre-encoded, from one COPY BINARY connection. */
async function reference(t: TestStack, topic: string, messages: number, size: number | undefined): Promise<Measure> {
  const databases = await t.freshDatabases('bench_reference');
  const { stagingUrl } = databases;
  await migrateLanding(stagingUrl);
  const templates = liveFeedTemplates();
  const chunks: Buffer[] = [];
  // the same rows as the ingester writes, by the same encoder (record batches -> COPY tuples), before the clock starts
  for (let start = 0; start < messages; start += REFERENCE_COMMIT_ROWS) {
    const byPartition = new Map<number, { from: number; messages: ProducedMessage[] }>();
    for (let i = start; i < Math.min(messages, start + REFERENCE_COMMIT_ROWS); i++) {
      const p = i % PARTITIONS;
      if (!byPartition.has(p)) byPartition.set(p, { from: Math.floor(i / PARTITIONS), messages: [] });
      byPartition.get(p)!.messages.push({ key: null, value: feedValue(templates, i, size), timestamp: Date.now() + i });
    }
    chunks.push(Buffer.concat([...byPartition].map(([p, batch]) => landingRows(topic, p, batch.from, batch.messages).bytes)));
  }
  const client = new pg.Client({ connectionString: stagingUrl });
  await client.connect();
  try {
    const backend = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
    const serverCpu0 = cpuSeconds(backend);
    const clientCpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (const chunk of chunks) {
      await client.query('begin');
      await new Promise<void>((resolve, reject) => {
        const stream = client.query(copyFrom(`copy raw.kafka_messages (${LANDING_COLUMNS.join(', ')}) from stdin with (format binary)`));
        stream.on('error', reject);
        stream.on('finish', () => resolve());
        stream.write(COPY_HEADER);
        stream.write(chunk);
        stream.end(COPY_TRAILER);
      });
      await client.query('commit');
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(clientCpu0);
    return {
      what: '(a) PostgreSQL alone, one COPY BINARY connection',
      rowsPerS: messages / seconds,
      clientCpuPerM: ((cpu.user + cpu.system) / 1e6) * (1e6 / messages),
      serverCpuPerM: (cpuSeconds(backend) - serverCpu0) * (1e6 / messages),
    };
  } finally {
    await client.end();
    await dropDatabases(t, [databases.stagingUrl, databases.warehouseUrl]);
  }
}

/** (b) `turnover ingest --engine <engine>` as a real process, from start to the last row landed. */
async function ingest(t: TestStack, engine: string, topic: string, messages: number): Promise<Measure> {
  const databases = await t.freshDatabases(`bench_${engine}`);
  const { stagingUrl } = databases;
  await migrateLanding(stagingUrl);
  const broker = await brokerPid(t);
  const brokerCpu0 = broker ? cpuSeconds(broker) : Number.NaN;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'ingest', '--engine', engine, '--progress-interval', '0'], {
    env: { ...process.env, ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: `bench-${engine}-${Date.now()}`, TURNOVER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const samples: Sample[] = [];
  let peak = 0;
  let childCpu = 0;
  let backend: number | undefined;
  let serverCpu0 = 0;
  let progress = { landed: -1, at: Date.now() };
  const poll = new pg.Client({ connectionString: stagingUrl });
  await poll.connect();
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`turnover ingest --engine ${engine} exited with ${child.exitCode}`);
      peak = Math.max(peak, peakRssMb(child.pid!) || 0);
      childCpu = cpuSeconds(child.pid!) || childCpu;
      // the node engine's offsets row is cheap to read; other engines are counted
      const landed =
        engine === 'node'
          ? Number((await poll.query('select coalesce(sum(next_offset), 0) as n from raw.consumer_offsets')).rows[0].n)
          : Number((await poll.query('select count(*) as n from raw.kafka_messages')).rows[0].n);
      samples.push({ atS: Number(process.hrtime.bigint() - started) / 1e9, rows: landed });
      if (landed > 0 && backend === undefined) {
        const b = (await poll.query("select pid from pg_stat_activity where application_name = 'turnover-ingest' and datname = current_database() limit 1")).rows[0];
        backend = b ? Number(b.pid) : Number.NaN;
        serverCpu0 = Number.isNaN(backend) ? 0 : cpuSeconds(backend);
      }
      if (landed >= messages) break;
      if (landed !== progress.landed) progress = { landed, at: Date.now() };
      if (Date.now() - progress.at > 120_000) {
        child.kill('SIGKILL');
        throw new Error(`turnover ingest --engine ${engine} stalled at ${landed} of ${messages} rows`);
      }
      await sleep(100);
    }
  } finally {
    await poll.end();
  }
  // the last sample is the poll that saw every row: the run's end
  const done = started + BigInt(Math.round(samples.at(-1)!.atS * 1e9));
  const brokerCpu = broker ? cpuSeconds(broker) - brokerCpu0 : Number.NaN;
  const serverCpu = backend !== undefined && !Number.isNaN(backend) ? cpuSeconds(backend) - serverCpu0 : Number.NaN;
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`turnover ingest exited with ${code} on SIGTERM`);
  const count = await withClient(stagingUrl, async (c) => Number((await c.query('select count(*) as n, count(distinct ("offset", partition)) as d from raw.kafka_messages')).rows[0].n));
  await dropDatabases(t, [databases.stagingUrl, databases.warehouseUrl]);
  if (count !== messages) throw new Error(`landed ${count} rows, expected ${messages}`);
  return {
    what: `(b) turnover ingest --engine ${engine}, exactly-once`,
    rowsPerS: messages / (Number(done - started) / 1e9),
    steadyRowsPerS: steadyFromFirstRow(samples)?.rowsPerS,
    firstRowS: samples.find((s) => s.rows > 0)?.atS,
    clientCpuPerM: childCpu * (1e6 / messages),
    serverCpuPerM: serverCpu * (1e6 / messages),
    peakRssMb: peak,
    brokerCpuPerM: brokerCpu * (1e6 / messages),
  };
}

/** The targets of the node engine (SPEC §6 and issue 22), by figure. */
function nodeTargets(messages: number, size: number | undefined): Record<'launch' | 'steady' | 'rate' | 'cpu' | 'rss', Target[]> {
  const fullSize = messages >= 2_000_000 && size === undefined ? undefined : 'issue 22 states it for 2,000,000 records of the live feed\'s size';
  return {
    launch: [
      { better: 'higher', bound: 0.9, source: 'SPEC §6' },
      { better: 'higher', bound: 0.9, source: 'issue 22, from launch', notApplicable: fullSize },
    ],
    steady: [{ better: 'higher', bound: 1, source: 'issue 22, steady', notApplicable: fullSize }],
    rate: [{ better: 'higher', bound: 100_000, source: 'SPEC §6 stretch', notApplicable: size === undefined ? undefined : 'stated for the live feed\'s ~400 B values' }],
    cpu: [{ better: 'lower', bound: 2.5, source: 'issue 22' }],
    rss: [{ better: 'lower', bound: 300, source: 'SPEC §6, issue 22' }],
  };
}

async function main(): Promise<void> {
  const report = new BenchReport('ingest: turnover ingest against PostgreSQL alone (one COPY BINARY connection), same run');
  const messages = Number(report.args.positional[0] ?? process.env.TURNOVER_BENCH_MESSAGES ?? 1_000_000);
  const sizes = (process.env.TURNOVER_BENCH_SIZES ?? 'natural,600').split(',').map((s) => (s === 'natural' ? undefined : Number(s)));
  const engines = (process.env.TURNOVER_BENCH_ENGINES ?? 'node').split(',');
  const rounds = roundsFrom(process.env);
  report.settings({ messages, sizes: sizes.map((s) => s ?? 'natural').join(','), engines: engines.join(','), rounds, partitions: PARTITIONS });
  const t = await useStack();
  try {
    for (const size of sizes) {
      const topic = await t.freshTopic(`bench_ingest_${size ?? 'natural'}`, PARTITIONS);
      const produceStart = Date.now();
      await produceFeed(t.kafka, topic, { from: 0, count: messages, partitions: PARTITIONS, targetBytes: size });
      const avg = Math.round(liveFeedTemplates().reduce((n, _, i) => n + feedValue(liveFeedTemplates(), i, size).length, 0) / liveFeedTemplates().length);
      const values = size ? `padded to ${size} B` : `of the live feed (avg ${avg} B)`;
      report.log(`\n### ${fmt(messages)} messages, values ${values}, ${PARTITIONS} partitions`);
      report.log(`produced in ${((Date.now() - produceStart) / 1000).toFixed(1)} s (kafkajs producer); warm-up: (a) once, not counted`);
      report.log(machineLine());
      report.log('| round | run | rows/s from launch | steady rows/s | first row s | vs (a) of the round: launch (steady) | client CPU-s/1M | PG backend CPU-s/1M | broker CPU-s/1M | peak RSS MB |\n|---|---|---|---|---|---|---|---|---|---|');
      const measured = await runRounds({
        rounds,
        warmUp: () => reference(t, topic, messages, size),
        reference: () => reference(t, topic, messages, size),
        subject: async () => {
          const runs: Measure[] = [];
          for (const engine of engines) runs.push(await ingest(t, engine, topic, messages));
          return runs;
        },
        onRound: ({ round, reference: ref, subject }) => {
          for (const r of [ref!, ...subject]) {
            const ratio = r === ref ? '' : `${percentDown(r.rowsPerS / ref!.rowsPerS)} (${percentDown((r.steadyRowsPerS ?? Number.NaN) / ref!.rowsPerS)})`;
            report.log(
              `| ${round} | ${r.what} | ${rateDown(r.rowsPerS)} | ${r.steadyRowsPerS ? rateDown(r.steadyRowsPerS) : ''} | ${r.firstRowS?.toFixed(2) ?? ''} | ${ratio} | ` +
                `${r.clientCpuPerM?.toFixed(1) ?? ''} | ${r.serverCpuPerM?.toFixed(1) ?? ''} | ${r.brokerCpuPerM?.toFixed(1) ?? ''} | ${r.peakRssMb ?? ''} |`,
            );
          }
          report.round({ size: size ?? 'natural', round, reference: ref, runs: subject });
        },
      });
      const label = `${size ? `${size} B` : 'live-feed size'}`;
      report.log(`\nmedians over ${rounds} rounds (${label}):`);
      report.figure({ name: `(a) PostgreSQL alone, rows/s`, better: 'higher', format: rateDown }, measured.map((m) => m.reference!.rowsPerS));
      engines.forEach((engine, e) => {
        const runs = measured.map((m) => ({ ref: m.reference!, run: m.subject[e]! }));
        const targets = engine === 'node' ? nodeTargets(messages, size) : undefined;
        report.figure({ name: `(b) ${engine}, rows/s from launch`, better: 'higher', format: rateDown, targets: targets?.rate }, runs.map((r) => r.run.rowsPerS));
        report.figure({ name: `(b) ${engine}, steady rows/s`, better: 'higher', format: rateDown }, runs.map((r) => r.run.steadyRowsPerS ?? Number.NaN));
        report.figure({ name: `(b) ${engine} / (a), from launch`, better: 'higher', format: percentDown, targets: targets?.launch }, runs.map((r) => r.run.rowsPerS / r.ref.rowsPerS));
        report.figure({ name: `(b) ${engine} / (a), steady`, better: 'higher', format: percentDown, targets: targets?.steady }, runs.map((r) => (r.run.steadyRowsPerS ?? Number.NaN) / r.ref.rowsPerS));
        report.figure({ name: `(b) ${engine}, client CPU-s per 1M`, better: 'lower', format: cpuSecondsUp, targets: targets?.cpu }, runs.map((r) => r.run.clientCpuPerM ?? Number.NaN));
        report.figure({ name: `(b) ${engine}, peak RSS`, better: 'lower', format: megabytesUp, targets: targets?.rss }, runs.map((r) => r.run.peakRssMb ?? Number.NaN));
      });
      await deleteTopic(t, topic);
    }
  } finally {
    await t.release();
  }
  report.finish();
}

await main();
