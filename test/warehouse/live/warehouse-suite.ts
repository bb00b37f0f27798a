import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NO_VALUES } from '../../../src/command/edge-values.js';
import { parseOptions } from '../../../src/command/option-values.js';
import { DASHBOARD_OPTIONS } from '../../../src/dashboard/command.js';
import { startDashboard, resolveDashboardConfig, type DashboardServer } from '../../../src/dashboard/index.js';
import { silentLogger } from '../../../src/log/logger.js';
import { openWarehouse, type DialectName } from '../../../src/warehouse/index.js';
import { fixtureFeed } from '../../marts/marts-support.js';
import { referenceDataQuality, referenceGlobalMetrics, referenceStg } from '../../marts/reference.js';
import { land, spread } from '../../staging/landing-support.js';
import { runCli, type CliResult } from '../../support/cli.js';
import { PACKAGE_ROOT } from '../../support/paths.js';
import { useStack, type TestStack } from '../../support/stack.js';
import { SEMANTICS } from './dialect-semantics.js';
import { warehouseColumn, warehouseRows } from './warehouse-rows.js';

/** Where the suite runs: a warehouse URL it may fill (and, for Vertica, empty first), or why it is skipped. */
export interface WarehouseTarget {
  readonly dialect: DialectName;
  /** Called once the test stack is up (a PostgreSQL target makes a fresh database there). */
  url(stack: TestStack): Promise<string>;
  readonly skip: string | false;
}

const TOPIC = 'transaction-service-input';
const DAYS = ['--from', '2022-09-30', '--to', '2022-10-02'];

/**
 * The live feed plus what the loader must handle on any warehouse: a value
 * that is not JSON (a reject), an exact redelivery (a duplicate) and a later
 * version of a transaction with another amount (a conflict; it wins).
 */
function hostileFeed(): Buffer[] {
  const feed = fixtureFeed();
  const transaction = feed.find((v) => v.includes('"object_type": "TRANSACTION"') && v.includes('"status": "done"'));
  assert.ok(transaction, 'the fixtures hold a done transaction');
  const message = JSON.parse(transaction.toString()) as { payload: { amount: number } };
  message.payload.amount += 100;
  return [...feed, Buffer.from('not json'), transaction, Buffer.from(JSON.stringify(message))];
}

const GLOBAL_METRICS_SQL = `
  select to_char(date_update, 'YYYY-MM-DD') as date_update, currency_from::varchar(12) as currency_from,
         amount_total::varchar(40) as amount_total, cnt_transactions::varchar(20) as cnt_transactions,
         avg_transactions_per_account::varchar(40) as avg_transactions_per_account,
         cnt_accounts_make_transactions::varchar(20) as cnt_accounts_make_transactions
  from cdm.global_metrics order by date_update, currency_from`;

const DATA_QUALITY_SQL = `
  select to_char(date_update, 'YYYY-MM-DD') || '|' || metric || '|' || dimension || '|' || value::varchar(40) as v
  from cdm.data_quality_daily
  where metric in ('chargebacks', 'chargebacks_usd', 'test_account_transactions', 'stale_rate_transactions',
                   'missing_rate_transactions', 'unknown_transaction_types')
  order by 1`;

/** Every mart and build record, as text rows, for comparing two builds. */
async function martsText(url: string): Promise<string[][]> {
  const tables = ['usd_rates_daily', 'currency_daily', 'global_metrics', 'turnover_drivers', 'data_quality_daily'];
  const out: string[][] = [];
  for (const table of tables) {
    const rows = await warehouseRows(url, `select * from cdm.${table}`);
    out.push(rows.map((row) => JSON.stringify(row)).sort());
  }
  return out;
}

/** Empties a warehouse the suite may own: its STG and marts schemas and the migration history. */
async function emptyVertica(url: string): Promise<void> {
  const warehouse = await openWarehouse(url, silentLogger());
  try {
    for (const sql of ['drop schema if exists stg cascade', 'drop schema if exists cdm cascade', 'drop table if exists public.turnover_migrations cascade', 'drop table if exists public.turnover_migration_lock cascade']) {
      await warehouse.query(sql);
    }
  } finally {
    await warehouse.close();
  }
}

/**
 * The whole pipeline on one warehouse, through the real CLI, checked against
 * the plain-TypeScript reference the PostgreSQL tests use (test/marts/reference.ts):
 * migrate twice, load-stg with a reject, a redelivery and a conflict,
 * build-marts twice (identical), every dashboard endpoint, every BI dataset's
 * SQL, the landing purge, and the dialect semantics the statements rely on.
 * The landing is always the local PostgreSQL (it is PostgreSQL by design).
 */
export function describeWarehouseSuite(target: WarehouseTarget): void {
  describe(`the pipeline on a ${target.dialect} warehouse`, { skip: target.skip }, () => {
    let stack: TestStack;
    let env: NodeJS.ProcessEnv;
    let warehouseUrl: string;
    const feed = hostileFeed();
    const reference = referenceStg(feed);
    const cli = async (args: readonly string[]): Promise<CliResult> => {
      const result = await runCli(args, { env, timeoutMs: 600_000 });
      assert.equal(result.code, 0, `turnover ${args.join(' ')}: ${result.stderr}`);
      return result;
    };

    before(async () => {
      stack = await useStack();
      warehouseUrl = await target.url(stack);
      if (target.dialect === 'vertica') await emptyVertica(warehouseUrl);
      const { stagingUrl } = await stack.freshDatabases(`live_${target.dialect}`);
      env = { TURNOVER_LANDING_URL: stagingUrl, TURNOVER_WAREHOUSE_URL: warehouseUrl };
    });
    after(async () => {
      await stack?.release();
    });

    it('migrate twice: the second run applies nothing', async () => {
      await cli(['migrate']);
      const warehouse = await openWarehouse(warehouseUrl, silentLogger());
      try {
        assert.deepEqual(await warehouse.migrate(), []);
      } finally {
        await warehouse.close();
      }
    });

    it('load-stg: every valid record once, the reject with its reason, the redelivery a duplicate, the later version kept and the earlier logged', async () => {
      // one partition: landing order is offset order, as the reference assumes
      await land(env.TURNOVER_LANDING_URL!, spread(TOPIC, feed, 1));
      const loaded = await cli(['load-stg', '--until-caught-up']);
      // the reference's rows are new; the later version updated one; the rest were duplicates (the feed repeats some rates too)
      const kept = reference.transactions.length + reference.currencies.length;
      assert.match(loaded.stdout, new RegExp(`inserted ${kept}, updated 1, duplicates ${feed.length - kept - 2}, rejected 1, conflicts 1\\b`));
      assert.deepEqual(await warehouseColumn(warehouseUrl, 'select count(*)::varchar(20) from stg.transactions'), [String(reference.transactions.length)]);
      assert.deepEqual(await warehouseColumn(warehouseUrl, 'select count(*)::varchar(20) from stg.currencies'), [String(reference.currencies.length)]);
      assert.deepEqual(await warehouseColumn(warehouseUrl, 'select reason from stg.rejects'), ['not_json']);
      assert.deepEqual(await warehouseColumn(warehouseUrl, 'select count(*)::varchar(20) from stg.transaction_conflicts'), ['1']);
    });

    it('build-marts: global_metrics and data quality equal the reference to the cent; a second build changes nothing but the build counts', async () => {
      await cli(['build-marts', ...DAYS]);
      assert.deepEqual(await warehouseRows(warehouseUrl, GLOBAL_METRICS_SQL), referenceGlobalMetrics(reference));
      assert.deepEqual(await warehouseColumn(warehouseUrl, DATA_QUALITY_SQL), referenceDataQuality(reference));
      const first = await martsText(warehouseUrl);
      await cli(['build-marts', ...DAYS]);
      assert.deepEqual(await martsText(warehouseUrl), first);
      // the build record is an upsert (MERGE on Vertica): one row a day, counted twice
      assert.deepEqual(await warehouseColumn(warehouseUrl, "select builds::varchar(12) from cdm.build_days where date_update = '2022-10-01'"), ['2']);
    });

    it("every dashboard endpoint answers from this warehouse, and its last day with data is the reference's", async () => {
      let server: DashboardServer | undefined;
      try {
        server = await startDashboard(resolveDashboardConfig(parseOptions(DASHBOARD_OPTIONS, { warehouseUrl, port: 0, host: '127.0.0.1', refresh: 0 }), NO_VALUES, NO_VALUES), silentLogger());
        const range = 'from=2022-09-30&to=2022-10-02';
        for (const path of ['health', 'overview', `global-metrics?${range}`, 'drivers?day=2022-10-01', `currency-mix?${range}`, `rates?${range}`, `data-quality?${range}`, 'freshness']) {
          const response = await fetch(new URL(`api/${path}`, server.url));
          assert.equal(response.status, 200, `/api/${path}: ${await response.clone().text()}`);
          await response.json();
        }
        const overview = (await (await fetch(new URL('api/overview', server.url))).json()) as { marts: { lastDay: string | null } };
        const days = referenceGlobalMetrics(reference).map((row) => row.date_update).sort();
        assert.equal(overview.marts.lastDay, days.at(-1));
      } finally {
        await server?.close();
      }
    });

    it("every BI dataset's SQL runs as written", async () => {
      const dir = join(PACKAGE_ROOT, 'bi', 'sql');
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
        const rows = await warehouseRows(warehouseUrl, readFileSync(join(dir, file), 'utf8').trim().replace(/;$/, ''));
        assert.ok(rows.length > 0, `${file} returned no rows`);
      }
    });

    it('the landing purge deletes what the warehouse has loaded, and only that', async () => {
      await land(env.TURNOVER_LANDING_URL!, spread(TOPIC, [Buffer.from('not json either')], 1, feed.length));
      await cli(['load-stg', '--until-caught-up', '--purge-landed-older-than', '0']);
      const left = await runCli(['load-stg', '--until-caught-up'], { env });
      assert.equal(left.code, 0, left.stderr);
      assert.deepEqual(await warehouseColumn(warehouseUrl, 'select count(*)::varchar(20) from stg.rejects'), ['2']);
    });

    for (const probe of SEMANTICS) {
      it(`semantics: ${probe.construct} gives ${JSON.stringify(probe.expected[target.dialect])}`, async () => {
        assert.deepEqual(await warehouseColumn(warehouseUrl, probe.sql), [probe.expected[target.dialect]]);
      });
    }
  });
}
