import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createAirflowHome, tail, TURNOVER_CLI_COMMAND, type AirflowHome } from '../support/airflow.js';
import { track } from '../support/child-processes.js';
import { CLI, runCli } from '../support/cli.js';
import { LIVE_FEED, PACKAGE_ROOT } from '../support/paths.js';
import { useStack, type TestStack } from '../support/stack.js';

/**
 * The DAGs in a real Airflow against the real local stack: the live-feed
 * fixtures go into a fresh topic (`turnover replay`), land through
 * `turnover ingest`, then `airflow dags test` runs the STG DAG and the marts
 * DAG exactly as a scheduler would run their tasks, configured the ways a
 * user configures them (Airflow Variables and Connections for one DAG, the
 * worker's environment for the other).
 */

const FIXTURE_DAY = '2022-10-01';
/** A manual run at this logical date stands for the @daily interval that ends then: FIXTURE_DAY. */
const MARTS_LOGICAL_DATE = '2022-10-02';
const RUN_WITHOUT_LOGICAL_DATE = join(PACKAGE_ROOT, 'test', 'airflow', 'run_without_logical_date.py');
const FEED_FILES = [LIVE_FEED.currenciesHistory, LIVE_FEED.messages, LIVE_FEED.transactions100];

// --- what the fixtures say, computed here without the pipeline -----------------------------------

interface Transaction {
  operation_id: string;
  account_number_from: number;
  account_number_to: number;
  currency_code: number;
  status: string;
  amount: number;
  transaction_dt: string;
}

function jsonlMessages(): { object_type: string; payload: Record<string, unknown> }[] {
  return [LIVE_FEED.messages, LIVE_FEED.transactions100]
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { object_type: string; payload: Record<string, unknown> });
}

function csvRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v.trim()])));
}

/** Messages each file turns into: one per line of a .jsonl, one per data row of a CSV export. */
function expectedMessageCount(): number {
  return FEED_FILES.reduce((n, file) => n + (file.endsWith('.csv') ? csvRows(file).length : readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length), 0);
}

/** A decimal string as an exact integer of 10^-scale units. */
function scaled(value: string, scale: number): bigint {
  const [whole, fraction = ''] = value.split('.');
  return BigInt(whole! + fraction.padEnd(scale, '0').slice(0, scale));
}

/** n / d rounded half away from zero (PostgreSQL's numeric rounding), for positive n and d. */
function divideRounded(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

function cents(units: bigint): string {
  return `${units / 100n}.${(units % 100n).toString().padStart(2, '0')}`;
}

interface MetricsRow {
  currency_from: number;
  amount_total: string | null;
  cnt_transactions: number;
  avg_transactions_per_account: number;
  cnt_accounts_make_transactions: number;
}

/**
 * SPEC §4 over the fixtures: an operation's `done` event (one per
 * operation_id) dated by its transaction_dt, test accounts out, customer =
 * account_number_to, gross USD at the day's (currency, 420) rate of the rates
 * history (USD at 1), rounded to the cent.
 */
function expectedGlobalMetrics(day: string): MetricsRow[] {
  const done = new Map<string, Transaction>();
  for (const message of jsonlMessages()) {
    const t = message.payload as unknown as Transaction;
    if (message.object_type === 'TRANSACTION' && t.status === 'done') done.set(t.operation_id, t);
  }
  const rates = new Map<number, bigint>([[420, 1_000_000n]]);
  for (const row of csvRows(LIVE_FEED.currenciesHistory)) {
    if (row.date_update === day && row.currency_code_with === '420') rates.set(Number(row.currency_code), scaled(row.currency_with_div!, 6));
  }
  const groups = new Map<number, { count: number; accounts: Set<number>; minorUnits: bigint }>();
  for (const t of done.values()) {
    if (t.transaction_dt.slice(0, 10) !== day || t.account_number_from < 0 || t.account_number_to < 0) continue;
    const group = groups.get(t.currency_code) ?? { count: 0, accounts: new Set<number>(), minorUnits: 0n };
    group.count += 1;
    group.accounts.add(t.account_number_to);
    group.minorUnits += BigInt(Math.abs(t.amount));
    groups.set(t.currency_code, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([currency, g]) => {
      const rate = rates.get(currency);
      return {
        currency_from: currency,
        // minor units × rate (10^-6) = 10^-8 USD; to cents: divide by 10^6
        amount_total: rate === undefined ? null : cents(divideRounded(g.minorUnits * rate, 1_000_000n)),
        cnt_transactions: g.count,
        avg_transactions_per_account: g.count / g.accounts.size,
        cnt_accounts_make_transactions: g.accounts.size,
      };
    });
}

// --- the stack side --------------------------------------------------------------------------------

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Runs `turnover ingest` until the topic's records have all landed, then stops it as an operator would (SIGTERM). */
async function ingestAll(env: Record<string, string>, topic: string, expected: number): Promise<void> {
  const child = track(spawn(process.execPath, [CLI, 'ingest'], { env: { ...process.env, ...env, TURNOVER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  let landed = 0;
  while (Date.now() < deadline && child.exitCode === null) {
    landed = Number((await query<{ n: string }>(env.TURNOVER_LANDING_URL!, 'select count(*) as n from raw.kafka_messages where topic = $1', [topic]))[0]!.n);
    if (landed >= expected) break;
    await sleep(250);
  }
  child.kill('SIGTERM');
  const code = await exited;
  assert.equal(landed, expected, `ingest landed ${landed} of ${expected} records:\n${stderr}`);
  assert.equal(code, 0, `ingest exited ${code} after SIGTERM:\n${stderr}`);
}

/** Every STG and CDM table, rows in a stable order; bookkeeping of when a day was last built left out. */
async function snapshot(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string; columns: string }>(
    url,
    `select table_schema || '.' || table_name as name,
            string_agg(quote_ident(column_name), ', ' order by ordinal_position) as columns
       from information_schema.columns
      where table_schema in ('stg', 'cdm')
        and not (table_schema = 'cdm' and table_name = 'build_days' and column_name in ('last_built_at', 'builds'))
      group by table_schema, table_name
      order by 1`,
  );
  const result: Record<string, string> = {};
  for (const { name, columns } of tables) {
    const [row] = await query<{ rows: string }>(url, `select coalesce(json_agg(t order by t::text), '[]')::text as rows from (select ${columns} from ${name}) t`);
    result[name] = row!.rows;
  }
  return result;
}

describe('Airflow DAGs run the pipeline on the real local stack', () => {
  let stack: TestStack;
  let airflow: AirflowHome;
  let env: Record<string, string>;
  let firstBuild: Record<string, string>;

  before(async () => {
    stack = await useStack();
    const { stagingUrl, warehouseUrl } = await stack.freshDatabases('airflow_dags');
    const topic = await stack.freshTopic('airflow_dags', 3);
    env = {
      TURNOVER_KAFKA_BROKERS: stack.env.TURNOVER_KAFKA_BROKERS!,
      TURNOVER_KAFKA_TOPIC: topic,
      TURNOVER_KAFKA_GROUP: `ingest_${topic}`,
      TURNOVER_LANDING_URL: stagingUrl,
      TURNOVER_WAREHOUSE_URL: warehouseUrl,
    };
    const migrated = await runCli(['migrate'], { env });
    assert.equal(migrated.code, 0, migrated.stderr);
    for (const file of FEED_FILES) {
      const replayed = await runCli(['replay', file], { env });
      assert.equal(replayed.code, 0, `turnover replay ${file}: ${replayed.stderr}`);
    }
    await ingestAll(env, topic, expectedMessageCount());
    airflow = await createAirflowHome();
  });

  after(async () => {
    airflow?.remove();
    await stack?.release();
  });

  /** How a worker's environment configures the DAGs (the other way: Variables and Connections). */
  const workerEnv = (): Record<string, string> => ({ TURNOVER_CLI: TURNOVER_CLI_COMMAND, TURNOVER_WAREHOUSE_URL: env.TURNOVER_WAREHOUSE_URL! });

  /** `airflow dags test …` that must succeed; its log. */
  async function dagsTest(args: readonly string[], config: Record<string, string>): Promise<string> {
    // retries stay on, with short delays: `dags test` waits out every back-off
    const run = await airflow.airflow(['dags', 'test', ...args], { TURNOVER_AIRFLOW_RETRY_DELAY_SECONDS: '1', ...config });
    assert.equal(run.code, 0, tail(run, 80));
    return run.stdout + run.stderr;
  }

  async function assertUnchangedSince(reference: Record<string, string>): Promise<void> {
    const now = await snapshot(env.TURNOVER_WAREHOUSE_URL!);
    assert.deepEqual(Object.keys(now), Object.keys(reference));
    for (const table of Object.keys(reference)) assert.equal(now[table], reference[table], `${table} changed`);
  }

  it('the STG DAG loads everything landed, configured through Airflow Variables and Connections', async () => {
    const log = await dagsTest(['turnover_load_stg'], {
      AIRFLOW_VAR_TURNOVER_CLI: TURNOVER_CLI_COMMAND,
      AIRFLOW_VAR_TURNOVER_ENV: JSON.stringify({ TURNOVER_STG_CHUNK_SIZE: 500 }),
      AIRFLOW_CONN_TURNOVER_STAGING: env.TURNOVER_LANDING_URL!,
      AIRFLOW_CONN_TURNOVER_WAREHOUSE: env.TURNOVER_WAREHOUSE_URL!,
    });
    assert.match(log, /load-stg --until-caught-up/);
    assert.match(log, /TURNOVER_WAREHOUSE_URL from Connection turnover_warehouse/);

    const operations = new Set<string>();
    for (const m of jsonlMessages()) {
      if (m.object_type === 'TRANSACTION') operations.add(`${String(m.payload.operation_id)}/${String(m.payload.status)}`);
    }
    const [stg] = await query<{ transactions: string; currencies: string; rejects: string }>(
      env.TURNOVER_WAREHOUSE_URL!,
      `select (select count(*) from stg.transactions) as transactions,
              (select count(*) from stg.currencies) as currencies,
              (select count(*) from stg.rejects) as rejects`,
    );
    assert.deepEqual(
      { transactions: Number(stg!.transactions), currencies: Number(stg!.currencies), rejects: Number(stg!.rejects) },
      // the history holds every (day, pair) key of the feed, the .jsonl rate messages among them
      { transactions: operations.size, currencies: csvRows(LIVE_FEED.currenciesHistory).length, rejects: 0 },
      tail(log, 60),
    );
  });

  it(`the marts DAG builds ${FIXTURE_DAY}: cdm.global_metrics equals the fixtures' own figures (configured through the environment)`, async () => {
    const log = await dagsTest(['turnover_build_marts', MARTS_LOGICAL_DATE], workerEnv());
    assert.match(log, new RegExp(`build-marts --from ${FIXTURE_DAY} --to ${FIXTURE_DAY}`));

    const rows = await query<Record<string, string | null>>(
      env.TURNOVER_WAREHOUSE_URL!,
      `select currency_from, amount_total, cnt_transactions, avg_transactions_per_account, cnt_accounts_make_transactions
         from cdm.global_metrics where date_update = $1 order by currency_from`,
      [FIXTURE_DAY],
    );
    const actual = rows.map((r) => ({
      currency_from: Number(r.currency_from),
      amount_total: r.amount_total,
      cnt_transactions: Number(r.cnt_transactions),
      // the mart stores a rounded ratio: compare it at its own precision
      avg_transactions_per_account: Number(r.avg_transactions_per_account),
      cnt_accounts_make_transactions: Number(r.cnt_accounts_make_transactions),
    }));
    const expected = expectedGlobalMetrics(FIXTURE_DAY);
    assert.ok(expected.length >= 5, 'the fixture day has transactions in most currencies');
    assert.deepEqual(
      actual.map(({ avg_transactions_per_account: _, ...rest }) => rest),
      expected.map(({ avg_transactions_per_account: _, ...rest }) => rest),
      tail(log, 60),
    );
    for (const [i, row] of expected.entries()) {
      assert.ok(Math.abs(actual[i]!.avg_transactions_per_account - row.avg_transactions_per_account) <= 0.00005, `avg of ${row.currency_from}`);
    }
    firstBuild = await snapshot(env.TURNOVER_WAREHOUSE_URL!);
  });

  it('rerunning the marts DAG for the same day leaves the tables identical', async () => {
    assert.ok(firstBuild, 'needs the first marts run');
    const log = await dagsTest(['turnover_build_marts', MARTS_LOGICAL_DATE], workerEnv());
    assert.match(log, new RegExp(`build-marts --from ${FIXTURE_DAY} --to ${FIXTURE_DAY}`));
    assert.notEqual(firstBuild['cdm.global_metrics'], '[]');
    await assertUnchangedSince(firstBuild);
  });

  it('a manual run without a logical date skips the interval task, builds the touched days, changes nothing here', async () => {
    assert.ok(firstBuild, 'needs the first marts run');
    const out = join(airflow.home, 'run-without-logical-date.json');
    const run = await airflow.python(RUN_WITHOUT_LOGICAL_DATE, ['turnover_build_marts', out], workerEnv());
    assert.equal(run.code, 0, tail(run, 80));
    const outcome = JSON.parse(readFileSync(out, 'utf8')) as { state: string; logical_date: string | null; tasks: Record<string, string> };
    assert.deepEqual(outcome, { state: 'success', logical_date: null, tasks: { build_interval_days: 'skipped', build_touched_days: 'success' } });
    const log = run.stdout + run.stderr;
    assert.match(log, /no data interval/);
    assert.match(log, /\$\{TURNOVER_CLI:-turnover\} build-marts'/);
    // everything touched was built by the first run: the marts stay as they were
    await assertUnchangedSince(firstBuild);
  });
});
