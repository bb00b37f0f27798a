/**
 * Ingest benchmark (SPEC §6): Kafka → raw landing, exactly-once, against the
 * reference of the same run — PostgreSQL alone absorbing the same rows from
 * one COPY BINARY connection (rows pre-encoded, commit every 10,000, into
 * the same raw.kafka_messages table with its primary key).
 *
 *   node dist/bench/ingest/ingest.js [messages]        (default 1,000,000)
 *
 * Env: TURNOVER_BENCH_SIZES=natural,600 (value sizes: the live feed's own
 * ~400 B, and padded to 600 B like PLATFORM.md); TURNOVER_BENCH_ENGINES=node
 * (add `spark` once `turnover ingest --engine spark` exists: it is run the
 * same way, as a child process on a fresh landing database, and measured by
 * the same poll of raw.kafka_messages); TURNOVER_TEST_STATE_DIR to reuse a
 * running stack instead of starting a throwaway one.
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

const PARTITIONS = 3;
const REFERENCE_COMMIT_ROWS = 10_000;

interface Measure {
  readonly what: string;
  readonly rowsPerS: number;
  /** Rate from the first landed row to the last (start-up excluded). */
  readonly steadyRowsPerS?: number;
  readonly clientCpuPerM?: number;
  readonly serverCpuPerM?: number;
  readonly peakRssMb?: number;
  readonly brokerCpuPerM?: number;
}

/**
 * Each measurement lands 1M rows (~0.6–0.8 GB) in a fresh database, plus the
 * unused warehouse database of freshDatabases: drop both once measured, so a
 * run on a long-lived stack (TURNOVER_TEST_STATE_DIR) does not fill the disk.
 */
async function dropDatabases(t: TestStack, urls: { stagingUrl: string; warehouseUrl: string }): Promise<void> {
  await withClient(t.postgresUrl('postgres'), async (c) => {
    for (const url of [urls.stagingUrl, urls.warehouseUrl]) {
      const name = new URL(url).pathname.slice(1).replaceAll('"', '');
      await c.query(`drop database if exists "${name}" with (force)`);
    }
  });
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
    await dropDatabases(t, databases);
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
  let firstRowAt: bigint | undefined;
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
      if (landed > 0 && firstRowAt === undefined) {
        firstRowAt = process.hrtime.bigint();
        const b = (await poll.query("select pid from pg_stat_activity where application_name = 'turnover-ingest' and datname = current_database() limit 1")).rows[0];
        backend = b ? Number(b.pid) : undefined;
        serverCpu0 = backend ? cpuSeconds(backend) : 0;
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
  const done = process.hrtime.bigint();
  const brokerCpu = broker ? cpuSeconds(broker) - brokerCpu0 : Number.NaN;
  const serverCpu = backend ? cpuSeconds(backend) - serverCpu0 : Number.NaN;
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`turnover ingest exited with ${code} on SIGTERM`);
  const count = await withClient(stagingUrl, async (c) => Number((await c.query('select count(*) as n, count(distinct ("offset", partition)) as d from raw.kafka_messages')).rows[0].n));
  await dropDatabases(t, databases);
  if (count !== messages) throw new Error(`landed ${count} rows, expected ${messages}`);
  return {
    what: `(b) turnover ingest --engine ${engine}, exactly-once`,
    rowsPerS: messages / (Number(done - started) / 1e9),
    steadyRowsPerS: firstRowAt ? messages / (Number(done - firstRowAt) / 1e9) : undefined,
    clientCpuPerM: childCpu * (1e6 / messages),
    serverCpuPerM: serverCpu * (1e6 / messages),
    peakRssMb: peak,
    brokerCpuPerM: brokerCpu * (1e6 / messages),
  };
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? process.env.TURNOVER_BENCH_MESSAGES ?? 1_000_000);
  const sizes = (process.env.TURNOVER_BENCH_SIZES ?? 'natural,600').split(',').map((s) => (s === 'natural' ? undefined : Number(s)));
  const engines = (process.env.TURNOVER_BENCH_ENGINES ?? 'node').split(',');
  const t = await useStack();
  try {
    for (const size of sizes) {
      const topic = await t.freshTopic(`bench_ingest_${size ?? 'natural'}`, PARTITIONS);
      const produceStart = Date.now();
      await produceFeed(t.kafka, topic, { from: 0, count: messages, partitions: PARTITIONS, targetBytes: size });
      const avg = Math.round(liveFeedTemplates().reduce((n, _, i) => n + feedValue(liveFeedTemplates(), i, size).length, 0) / liveFeedTemplates().length);
      console.log(`\n### ${fmt(messages)} messages, values ${size ? `padded to ${size} B` : `of the live feed (avg ${avg} B)`}, ${PARTITIONS} partitions`);
      console.log(`produced in ${((Date.now() - produceStart) / 1000).toFixed(1)} s (kafkajs producer)`);
      console.log(machineLine());
      const results: Measure[] = [];
      results.push(await reference(t, topic, messages, size));
      for (const engine of engines) results.push(await ingest(t, engine, topic, messages));
      results.push({ ...(await reference(t, topic, messages, size)), what: '(a) again, after (b)' });
      const refs = results.filter((r) => r.what.startsWith('(a)'));
      const ref = refs.reduce((n, r) => n + r.rowsPerS, 0) / refs.length;
      console.log('| run | rows/s | steady rows/s | vs (a) mean | client CPU-s/1M | PG backend CPU-s/1M | broker CPU-s/1M | peak RSS MB |\n|---|---|---|---|---|---|---|---|');
      for (const r of results) {
        const ratio = r.what.startsWith('(b)') ? `${Math.round((r.rowsPerS / ref) * 100)}% (steady ${r.steadyRowsPerS ? Math.round((r.steadyRowsPerS / ref) * 100) : '?'}%)` : '';
        console.log(`| ${r.what} | ${fmt(r.rowsPerS)} | ${r.steadyRowsPerS ? fmt(r.steadyRowsPerS) : ''} | ${ratio} | ${r.clientCpuPerM?.toFixed(1) ?? ''} | ${r.serverCpuPerM?.toFixed(1) ?? ''} | ${r.brokerCpuPerM?.toFixed(1) ?? ''} | ${r.peakRssMb ?? ''} |`);
      }
      console.log(machineLine());
      await deleteTopic(t, topic);
    }
  } finally {
    await t.release();
  }
}

await main();
