import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqlStateOf } from '../../src/db/sqlstate.js';
import { silentLogger } from '../../src/log/logger.js';
import { SQL_DIR } from '../../src/paths.js';
import { SQL_DIALECTS } from '../../src/warehouse/dialects.js';
import { openWarehouse, type DialectName, type Warehouse } from '../../src/warehouse/index.js';
import { contractChecks, findContracts, type ContractFile } from '../../src/warehouse/sql-models/data-contract.js';
import { BUILD_FROM, dashboardFeed, LAST_DAY } from '../dashboard/dashboard-feed.js';
import { generatedFeed } from '../marts/generator-support.js';
import { buildMarts } from '../marts/marts-support.js';
import { runCli } from '../support/cli.js';
import { LIVE_FEED } from '../support/paths.js';
import { useStack, type TestStack } from '../support/stack.js';
import { land, loadStg, migratedDatabases, spread } from '../staging/landing-support.js';

/**
 * The data contracts beside the models (sql/models/<layer>/*.yml), checked
 * against a loaded warehouse of every available dialect: the test stack's
 * PostgreSQL, and Vertica when TURNOVER_TEST_VERTICA_URL is set (reported as
 * skipped otherwise). The warehouse is loaded by the real commands from the
 * live-feed fixtures (the dashboard's week: every driver kind, stale and
 * missing rates, rejects, test accounts, chargebacks), then a late batch from
 * the generator (late arrivals, corrections that log conflicts) with one
 * transaction of an unknown type, built again.
 *
 * For each contract: its table is not empty and every accepted value occurs
 * (the data exercises the contract); every check finds no row; and every
 * check finds a row once its `broken_by` ran in a rolled-back transaction, or
 * the database refused that change with an integrity-constraint error (class
 * 23: PostgreSQL enforces the key or the not-null itself), so that no check
 * can pass vacuously.
 */

const VERTICA_URL = process.env.TURNOVER_TEST_VERTICA_URL;

interface DialectUnderTest {
  readonly name: DialectName;
  readonly skip: string | false;
  /** The warehouse to load: a fresh PostgreSQL database, or the given Vertica. */
  warehouseUrl(fresh: string): string;
}

const DIALECTS: readonly DialectUnderTest[] = [
  { name: 'postgres', skip: false, warehouseUrl: (fresh) => fresh },
  { name: 'vertica', skip: VERTICA_URL ? false : 'TURNOVER_TEST_VERTICA_URL is not set (no Vertica server on this machine)', warehouseUrl: () => VERTICA_URL! },
];

/**
 * Events after the first build: new operations and corrections of two days of
 * the week, some of them sent two days late (late arrivals are rows the source
 * sent after their day was over, docs/marts.md).
 */
const LATE_FEED = { from: '2022-10-02', to: '2022-10-03', transactionsPerDay: 40, seed: 18, scenarios: ['corrections:20%@2022-10-02..2022-10-03', 'late:30%:2d@2022-10-02..2022-10-03'] };

/**
 * A real transaction message of the fixtures as a new operation of a type
 * the feed has not sent before (counted by data quality as unknown: SPEC §4).
 */
function unknownTypeMessage(): Buffer {
  const [first] = readFileSync(LIVE_FEED.transactions100, 'utf8').split('\n');
  const message = JSON.parse(first!) as { object_id: string; payload: { operation_id: string; transaction_type: string } };
  const id = '0c7e5c1d-5c7a-4d47-8a51-7e2b7c1f9a18';
  return Buffer.from(JSON.stringify({ ...message, object_id: id, payload: { ...message.payload, operation_id: id, transaction_type: 'cash_withdrawal' } }));
}

const CONTRACTS: readonly ContractFile[] = findContracts(join(SQL_DIR, 'models'));

class Rollback extends Error {}

/** Runs `brokenBy` and then `check` in one transaction that is always rolled back. */
async function broken(warehouse: Warehouse, brokenBy: string, check: string): Promise<{ rows: number } | { refused: string }> {
  let outcome: { rows: number } | { refused: string } | undefined;
  await warehouse
    .transaction(async (session) => {
      try {
        await session.query(brokenBy);
      } catch (error) {
        const state = sqlStateOf(error);
        if (!state?.startsWith('23')) throw error;
        outcome = { refused: `${state}: ${(error as Error).message}` };
        throw new Rollback();
      }
      outcome = { rows: (await session.query(check)).rows.length };
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return outcome!;
}

describe('data contracts of the models', () => {
  it('finds a contract for every mart table and the main STG tables', () => {
    const tables = CONTRACTS.map((c) => c.contract.table).sort();
    for (const table of ['cdm.build_days', 'cdm.currency_daily', 'cdm.data_quality_daily', 'cdm.global_metrics', 'cdm.turnover_drivers', 'cdm.usd_rates_daily', 'stg.transactions']) {
      assert.ok(tables.includes(table), `a contract for ${table}`);
    }
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect.name}`, { skip: dialect.skip }, () => {
      let t: TestStack;
      let warehouse: Warehouse;
      const sqlDialect = SQL_DIALECTS.find((d) => d.name === dialect.name)!;

      before(async () => {
        t = await useStack();
        const fresh = await migratedDatabases(t, `contracts_${dialect.name}`);
        const env = { ...fresh.env, TURNOVER_WAREHOUSE_URL: dialect.warehouseUrl(fresh.warehouseUrl) };
        if (dialect.name !== 'postgres') assert.equal((await runCli(['migrate'], { env })).code, 0);
        // a topic of its own: a shared Vertica may hold the watermarks of earlier runs
        const topic = `contracts-${Date.now()}`;
        const week = dashboardFeed();
        await land(fresh.stagingUrl, spread(topic, week, 1));
        assert.equal((await loadStg(env)).code, 0);
        await buildMarts({ ...fresh, env, nextOffset: 0 }, ['--from', BUILD_FROM, '--to', LAST_DAY]);
        const late = [...generatedFeed(LATE_FEED), unknownTypeMessage()];
        await land(fresh.stagingUrl, spread(topic, late, 1, week.length));
        assert.equal((await loadStg(env)).code, 0);
        await buildMarts({ ...fresh, env, nextOffset: 0 });
        warehouse = await openWarehouse(env.TURNOVER_WAREHOUSE_URL, silentLogger());
      });

      after(async () => {
        await warehouse?.close();
        await t?.release();
      });

      for (const file of CONTRACTS) {
        const { table, accepted_values: accepted } = file.contract;
        describe(`${file.name}.yml (${table})`, () => {
          it('its table has rows and every accepted value occurs', async () => {
            const { rows } = await warehouse.query<{ n: number | string }>(`select count(*) as n from ${table}`);
            assert.ok(Number(rows[0]!.n) > 0, `${table} is empty: the loaded data does not exercise its contract`);
            for (const [column, values] of Object.entries(accepted ?? {})) {
              const present = (await warehouse.query<Record<string, unknown>>(`select distinct ${column} as v from ${table}`)).rows.map((r) => r.v);
              const absent = values.filter((v) => !present.some((p) => String(p) === String(v)));
              assert.deepEqual(absent, [], `values of ${table}.${column} that the loaded data never has`);
            }
          });

          for (const check of contractChecks(file, sqlDialect)) {
            it(`${check.name}: holds, and fails once broken`, async (context) => {
              const { rows } = await warehouse.query(check.sql);
              assert.deepEqual(rows.slice(0, 5), [], `${table}: ${check.name} is broken by ${rows.length} row(s)`);
              const outcome = await broken(warehouse, check.brokenBy, check.sql);
              if ('refused' in outcome) {
                // the database itself enforces the key or the not-null: a stronger guarantee than the check
                assert.match(check.name, /^(unique|not null) /, `${check.name}: its broken_by was refused (${outcome.refused})`);
                context.diagnostic(`enforced by the database: ${outcome.refused}`);
                return;
              }
              assert.ok(outcome.rows > 0, `${check.name} still finds no row after: ${check.brokenBy}`);
              context.diagnostic(`broken: ${outcome.rows} row(s) found`);
            });
          }
        });
      }
    });
  }
});
