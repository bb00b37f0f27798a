import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { PostgresSession } from '../../src/warehouse/postgres/postgres-session.js';
import { runCli, CLI } from '../../test/support/cli.js';
import { useStack } from '../../test/support/stack.js';
import { fixtureValues } from '../../test/staging/landing-support.js';

/**
 * STG load benchmark (SPEC §6): ≥ 1,000,000 landed records of the live
 * feed's shape -> STG on the local PostgreSQL, side by side with the
 * reference, one in-database INSERT … SELECT that parses the same raw rows
 * with jsonb and deduplicates. Prints rows/s of both, the ratio and the
 * loader's peak RSS. `RECORDS=…` changes the volume.
 */
const RECORDS = Number(process.env.RECORDS ?? 1_000_000);
const PARTITIONS = 3;
const CHUNK = Number(process.env.CHUNK ?? 20_000);

type Json = Record<string, any>;

function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** The live feed's shape: its real messages, each operation's status events under fresh ids, ~1 rate day per 25k events. */
function* feed(): Generator<Buffer> {
  const messages = fixtureValues().map((v) => JSON.parse(v.toString('utf8')) as Json);
  const transactions = messages.filter((m) => m.object_type === 'TRANSACTION');
  const currencies = messages.filter((m) => m.object_type === 'CURRENCY');
  for (let i = 0; i < RECORDS; i++) {
    if (i % 25_000 < currencies.length) {
      yield Buffer.from(JSON.stringify(currencies[i % 25_000]!));
      continue;
    }
    const m = structuredClone(transactions[i % transactions.length]!);
    const id = `${(i * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    m.object_id = id;
    m.payload.operation_id = id;
    yield Buffer.from(JSON.stringify(m));
  }
}

async function landFeed(url: string): Promise<{ count: number; bytes: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let count = 0;
  let bytes = 0;
  const next = new Array<number>(PARTITIONS).fill(0);
  const at = new Date();
  let batch: unknown[][] = [];
  const session = new PostgresSession(client);
  const columns = [
    { name: 'topic', type: 'text' }, { name: 'partition', type: 'int4' }, { name: 'offset', type: 'int8' },
    { name: 'value', type: 'bytea' }, { name: 'kafka_timestamp', type: 'timestamptz' },
  ] as const;
  for (const value of feed()) {
    const partition = count % PARTITIONS;
    batch.push(['transaction-service-input', partition, next[partition]!++, value, at]);
    count += 1;
    bytes += value.length;
    if (batch.length === 50_000) {
      await session.copyInto('raw.kafka_messages', columns, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await session.copyInto('raw.kafka_messages', columns, batch);
  await client.query('vacuum analyze raw.kafka_messages');
  await client.end();
  return { count, bytes };
}

async function reference(url: string): Promise<{ seconds: number; rows: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create table if not exists bench_reference_transactions (
    operation_id uuid not null, status text not null, object_id uuid not null, account_number_from bigint not null,
    account_number_to bigint not null, currency_code integer not null, country text not null, transaction_type text not null,
    amount bigint not null, transaction_dt timestamp not null, transaction_date date not null, sent_dttm timestamp not null,
    src_topic text not null, src_partition integer not null, src_offset bigint not null, loaded_at timestamptz not null default now(),
    primary key (operation_id, status))`);
  const sql = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'staging', 'reference-insert-select.sql'), 'utf8');
  const started = process.hrtime.bigint();
  const result = await client.query(sql);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.end();
  return { seconds, rows: result.rowCount ?? 0 };
}

async function loader(env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakRssMb: number; summary: string }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, 'load-stg', '--until-caught-up', '--chunk-size', String(CHUNK)], {
    env: { ...process.env, ...env, TURNOVER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // exited
    }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`load-stg exited ${code}`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMb: peak, summary: out.trim() };
}

const t = await useStack();
try {
  const { stagingUrl, warehouseUrl } = await t.freshDatabases('bench_stg');
  const env = { TURNOVER_STAGING_URL: stagingUrl, TURNOVER_WAREHOUSE_URL: warehouseUrl };
  const migrated = await runCli(['migrate'], { env });
  if (migrated.code !== 0) throw new Error(migrated.stderr);
  const landed = await landFeed(stagingUrl);
  console.log(`landed ${landed.count} records, average value ${(landed.bytes / landed.count).toFixed(0)} bytes, ${PARTITIONS} partitions`);
  console.log(`machine before: ${machine()}`);
  const ref = await reference(stagingUrl);
  console.log(`reference INSERT … SELECT (jsonb parse + dedup, one backend): ${ref.rows} rows in ${ref.seconds.toFixed(1)} s = ${Math.round(landed.count / ref.seconds)} raw rows/s`);
  const run = await loader(env);
  console.log(`turnover load-stg --chunk-size ${CHUNK}: ${run.seconds.toFixed(1)} s = ${Math.round(landed.count / run.seconds)} raw rows/s, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
  console.log(`  ${run.summary}`);
  console.log(`ratio load-stg / reference: ${(ref.seconds / run.seconds).toFixed(2)}x`);
  console.log(`machine after: ${machine()}`);
  console.log(`package: ${PACKAGE_ROOT}`);
} finally {
  await t.release();
}
