import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { assertCountersAccountForEveryRecord, assertMartsEqualReference, loadCounters, martState, stgState } from '../support/crash-checks.js';
import { crashFeed, placeByKey } from '../support/crash-feed.js';
import { armPause, armTriggerStall, cloneDatabase, databaseOf, killAt, type Armed } from '../support/kill-points.js';
import { useStack, type TestStack } from '../support/stack.js';
import { land, loadStg, migratedDatabases, queryRows, type Landed } from './landing-support.js';

/**
 * SPEC §6 reliability for load-stg: SIGKILL at every phase of a chunk, then
 * a rerun, gives exactly the STG, counters and marts of a clean run. Each
 * kill point is proven reached before the kill (test/support/kill-points.ts:
 * a statement stopped inside PostgreSQL, or the process's own pause point),
 * lands after at least one chunk committed and before the last, and the
 * rerun reads only what was not committed. The crash feed
 * (test/support/crash-feed.ts) has redeliveries, conflicts, a re-pointed
 * conflict, rejects, late rates and several days, on two partitions.
 */

const LOAD_ARGS = ['--chunk-size', '30', '--parse-workers', '2'];
/** Kafka timestamp of every landed record (landing-support's default): the day of a reject without a business date. */
const KAFKA_DAY = '2022-10-01';
/** At least one chunk committed: the kill lands mid-load. */
const COMMITTED = 'exists (select 1 from stg.load_state)';
/** The chunk's keys were copied for a lookup: the transaction is on the lookup path (chunk-writer.ts). */
const LOOKUP = 'exists (select 1 from pg_temp.chunk_transaction_keys)';

interface LoadKillPoint {
  readonly name: string;
  readonly args?: readonly string[];
  /** Arms the point in the copies of the databases. */
  readonly arm: (urls: { stagingUrl: string; warehouseUrl: string }) => Promise<Armed>;
}

const inWarehouse =
  (stall: Parameters<typeof armTriggerStall>[1]) =>
  ({ warehouseUrl }: { warehouseUrl: string }): Promise<Armed> =>
    armTriggerStall(warehouseUrl, stall);

const KILL_POINTS: readonly LoadKillPoint[] = [
  { name: 'after reading a chunk, before parsing it', arm: async () => armPause('stg-chunk-read', 6) },
  { name: 'while a parse worker holds a chunk', arm: async () => armPause('stg-parse', 6) },
  {
    name: 'during the COPY of new keys into stg.transactions (savepoint)',
    arm: inWarehouse({ table: 'stg.transactions', on: 'insert', when: `${COMMITTED} and not ${LOOKUP}`, statement: /copy "stg"\."transactions"/ }),
  },
  {
    name: 'during the DELETE of stored transactions that newer versions replace',
    arm: inWarehouse({ table: 'stg.transactions', on: 'delete', when: COMMITTED, statement: /delete from stg\.transactions/ }),
  },
  {
    name: 'during the DELETE of conflicts to re-point',
    arm: inWarehouse({ table: 'stg.transaction_conflicts', on: 'delete', when: COMMITTED, statement: /delete from stg\.transaction_conflicts/ }),
  },
  {
    name: 'during the COPY of transactions after a lookup of stored keys',
    arm: inWarehouse({ table: 'stg.transactions', on: 'insert', when: `${COMMITTED} and ${LOOKUP}`, statement: /copy "stg"\."transactions"/ }),
  },
  {
    name: 'during the DELETE of replaced rates',
    arm: inWarehouse({ table: 'stg.currencies', on: 'delete', when: COMMITTED, statement: /delete from stg\.currencies/ }),
  },
  {
    name: 'during the COPY of rates',
    arm: inWarehouse({ table: 'stg.currencies', on: 'insert', when: COMMITTED, statement: /copy "stg"\."currencies"/ }),
  },
  {
    name: 'during the COPY of conflicts',
    arm: inWarehouse({ table: 'stg.transaction_conflicts', on: 'insert', when: COMMITTED, statement: /copy "stg"\."transaction_conflicts"/ }),
  },
  {
    name: 'during the COPY of rejects',
    arm: inWarehouse({ table: 'stg.rejects', on: 'insert', when: COMMITTED, statement: /copy "stg"\."rejects"/ }),
  },
  {
    name: 'while queueing touched days',
    arm: inWarehouse({ table: 'stg.touched_days', on: 'insert', when: COMMITTED, statement: /insert into stg\.touched_days/ }),
  },
  {
    name: 'while saving the watermark',
    arm: inWarehouse({ table: 'stg.load_state', on: 'insert', when: COMMITTED, statement: /insert into stg\.load_state/ }),
  },
  {
    name: 'during the COMMIT (the server completes it without its client)',
    arm: inWarehouse({ table: 'stg.load_state', on: 'insert or update', atCommit: true, when: COMMITTED, statement: /^commit/i }),
  },
  { name: 'between two chunks', arm: async () => armPause('stg-chunk-committed', 6) },
  {
    name: 'during a purge of loaded landing rows',
    args: ['--purge-landed-older-than', '0'],
    arm: ({ stagingUrl }) => armTriggerStall(stagingUrl, { table: 'raw.kafka_messages', on: 'delete', statement: /delete from raw\.kafka_messages/ }),
  },
];

describe('load-stg killed at every phase of a chunk: a rerun equals a clean run (real PostgreSQL)', () => {
  let t: TestStack;
  let landed: Landed[];
  let template: { landing: string; warehouse: string };
  let clean: { stg: Record<string, unknown>; marts: Record<string, unknown> };
  let copies = 0;

  /** A landing with the whole feed and an empty migrated warehouse, copied from the templates. */
  const fresh = async (): Promise<{ stagingUrl: string; warehouseUrl: string; env: NodeJS.ProcessEnv }> => {
    copies += 1;
    const admin = t.postgresUrl('postgres');
    const suffix = `${process.pid}_${Date.now().toString(36)}_${copies}`;
    const stagingUrl = await cloneDatabase(admin, template.landing, `land_kill_${suffix}`);
    const warehouseUrl = await cloneDatabase(admin, template.warehouse, `dwh_kill_${suffix}`);
    return { stagingUrl, warehouseUrl, env: { TURNOVER_LANDING_URL: stagingUrl, TURNOVER_WAREHOUSE_URL: warehouseUrl } };
  };

  const buildMarts = async (env: NodeJS.ProcessEnv): Promise<void> => {
    const built = await runCli(['build-marts'], { env });
    assert.equal(built.code, 0, built.stderr);
  };

  before(async () => {
    t = await useStack();
    const feed = crashFeed();
    landed = placeByKey([...feed.onTime, ...feed.late]);
    const templates = await migratedDatabases(t, 'stg_kill_template');
    await land(templates.stagingUrl, landed);
    template = { landing: databaseOf(templates.stagingUrl), warehouse: databaseOf(templates.warehouseUrl) };

    const run = await fresh();
    const loaded = await loadStg(run.env, LOAD_ARGS);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, new RegExp(`^load-stg: ${landed.length} landed records in \\d+ chunks .*; \\d+ chunks looked up stored keys\\n$`));
    // the clean run itself accounts for every record as the input says, with every kind of write a kill point stops
    const counters = await assertCountersAccountForEveryRecord(run.warehouseUrl, landed);
    assert.ok(counters.every((c) => c.updated > 0 && c.duplicates > 0 && c.rejected > 0 && c.conflicts > 0), JSON.stringify(counters));
    const stg = await stgState(run.warehouseUrl);
    await buildMarts(run.env);
    await assertMartsEqualReference(run.warehouseUrl, landed, KAFKA_DAY);
    clean = { stg, marts: await martState(run.warehouseUrl) };
  });

  after(async () => {
    await t?.release();
  });

  for (const point of KILL_POINTS) {
    it(`killed ${point.name}`, async (ctx) => {
      const run = await fresh();
      const args = [...LOAD_ARGS, ...(point.args ?? [])];
      const reached = await killAt(await point.arm(run), ['load-stg', '--until-caught-up', ...args], run.env, [run.stagingUrl, run.warehouseUrl]);

      // mid-load: some chunks committed, not all; what the dead process committed is accounted for
      const atKill = await loadCounters(run.warehouseUrl);
      const committed = atKill.reduce((a, c) => a + c.records_read, 0);
      ctx.diagnostic(`stopped at ${reached.where} ${JSON.stringify(reached.detail ?? {})}; ${committed} of ${landed.length} records committed`);
      assert.ok(committed > 0 && committed < landed.length, `killed mid-load: ${committed} of ${landed.length} committed`);
      for (const c of atKill) assert.equal(c.inserted + c.updated + c.duplicates + c.rejected, c.records_read);

      // the rerun reads exactly what was not committed, once
      const rerun = await loadStg(run.env, args);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.match(rerun.stdout, new RegExp(`^load-stg: ${landed.length - committed} landed records`));
      await assertCountersAccountForEveryRecord(run.warehouseUrl, landed);
      assert.deepEqual(await stgState(run.warehouseUrl), clean.stg);
      if (point.args?.includes('--purge-landed-older-than')) {
        const [left] = await queryRows<{ n: number }>(run.stagingUrl, 'select count(*)::int as n from raw.kafka_messages');
        assert.equal(left?.n, 0, 'every landed record loaded and purged');
      }

      await buildMarts(run.env);
      assert.deepEqual(await martState(run.warehouseUrl), clean.marts);
      await assertMartsEqualReference(run.warehouseUrl, landed, KAFKA_DAY);
    });
  }
});
