import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { assertCountersAccountForEveryRecord, assertMartsEqualReference, martState } from '../support/crash-checks.js';
import { CRASH_PARTITIONS, crashFeed, LATE_EVENTS_DAY, placeByKey } from '../support/crash-feed.js';
import { armPause, armTableLock, armTriggerStall, cloneDatabase, databaseOf, killAt, type Armed } from '../support/kill-points.js';
import { useStack, type TestStack } from '../support/stack.js';
import { land, loadStg, migratedDatabases, type Landed } from '../staging/landing-support.js';
import { martSnapshot } from './marts-support.js';

/**
 * SPEC §6 reliability for build-marts: SIGKILL at every phase of a day's
 * transaction — the queue read, each statement of a day, the queue consume,
 * the commit, between days — with several transactions in flight, then a
 * rerun, gives exactly the marts, built days and queue of a clean run, which
 * equal the independent reference. Phase 1 is the first build of every day;
 * phase 2 the rebuild of old days after late events and late rates
 * (deletes, the next day's drivers). Each kill point is proven reached
 * before the kill (test/support/kill-points.ts).
 */

const KAFKA_DAY = '2022-10-01';
/** A day in the middle of the first build: the transactions before it may have committed, others are in flight. */
const DAY = '2022-10-06';
const PARALLEL = ['--parallel', '3'];
/** A fixture rate of a day with no transactions near it: its queue row is consumed on its own, after the days. */
const RATE_ONLY_DAY = '2022-10-12';

interface BuildKillPoint {
  readonly name: string;
  readonly args: readonly string[];
  readonly arm: (warehouseUrl: string) => Promise<Armed>;
}

const stallInsert = (table: string, day: string): BuildKillPoint['arm'] => (url) =>
  armTriggerStall(url, { table: `cdm.${table}`, on: 'insert', when: `new.date_update = date '${day}'`, statement: new RegExp(`insert into cdm\\.${table}`) });

const FIRST_BUILD: readonly BuildKillPoint[] = [
  { name: 'while reading the queue', args: PARALLEL, arm: (url) => armTableLock(url, 'stg.touched_days', /from stg\.touched_days/) },
  {
    name: `while recording the build of ${DAY}`,
    args: PARALLEL,
    arm: (url) => armTriggerStall(url, { table: 'cdm.build_days', on: 'insert', when: `new.date_update = date '${DAY}'`, statement: /insert into cdm\.build_days/ }),
  },
  { name: `during the usd_rates_daily statement of ${DAY}`, args: PARALLEL, arm: stallInsert('usd_rates_daily', DAY) },
  { name: `during the currency_daily statement of ${DAY}`, args: PARALLEL, arm: stallInsert('currency_daily', DAY) },
  { name: `during the global_metrics statement of ${DAY}, two days per transaction`, args: [...PARALLEL, '--days-per-transaction', '2'], arm: stallInsert('global_metrics', DAY) },
  { name: `during the data_quality_daily statement of ${DAY}`, args: PARALLEL, arm: stallInsert('data_quality_daily', DAY) },
  { name: `during the turnover_drivers statement of ${DAY}`, args: PARALLEL, arm: stallInsert('turnover_drivers', DAY) },
  {
    name: `while consuming the queue rows of ${DAY}`,
    args: PARALLEL,
    arm: (url) => armTriggerStall(url, { table: 'stg.touched_days', on: 'delete', when: `old.day = date '${DAY}'`, statement: /delete from stg\.touched_days/ }),
  },
  {
    name: `during the COMMIT of ${DAY} (the server completes it without its client)`,
    args: PARALLEL,
    arm: (url) => armTriggerStall(url, { table: 'cdm.build_days', on: 'insert or update', atCommit: true, when: `new.date_update = date '${DAY}'`, statement: /^commit/i }),
  },
  { name: 'between two days (one transaction at a time)', args: ['--parallel', '1'], arm: async () => armPause('marts-step-committed', 4) },
  {
    name: `while consuming, after the last day, the queue row of a rate for days without data (${RATE_ONLY_DAY})`,
    args: PARALLEL,
    arm: (url) => armTriggerStall(url, { table: 'stg.touched_days', on: 'delete', when: `old.day = date '${RATE_ONLY_DAY}'`, statement: /delete from stg\.touched_days/ }),
  },
];

/** The late third version of a fixture transaction rebuilds its day, 2022-10-01; the next day is not rebuilt, only its drivers. */
const NEXT_DAY = '2022-10-02';
const REBUILD: readonly BuildKillPoint[] = [
  {
    name: `while deleting the old global_metrics rows of ${LATE_EVENTS_DAY}`,
    args: PARALLEL,
    arm: (url) =>
      armTriggerStall(url, { table: 'cdm.global_metrics', on: 'delete', when: `old.date_update = date '${LATE_EVENTS_DAY}'`, statement: /delete from "cdm"\."global_metrics"/ }),
  },
  { name: `while rebuilding the drivers of the next day, ${NEXT_DAY}`, args: PARALLEL, arm: stallInsert('turnover_drivers', NEXT_DAY) },
  {
    name: `during the COMMIT of the rebuilt ${LATE_EVENTS_DAY}`,
    args: PARALLEL,
    arm: (url) => armTriggerStall(url, { table: 'cdm.build_days', on: 'insert or update', atCommit: true, when: `new.date_update = date '${LATE_EVENTS_DAY}'`, statement: /^commit/i }),
  },
];

describe('build-marts killed at every phase of a day: a rerun equals a clean run (real PostgreSQL)', () => {
  let t: TestStack;
  let all: Landed[];
  /** Warehouses to copy: STG loaded, nothing built; and after a first build plus the late records. */
  let templates: { first: string; rebuild: string };
  let clean: { first: Snapshot; rebuild: Snapshot };
  let copies = 0;

  const copyOf = async (template: string): Promise<{ warehouseUrl: string; env: NodeJS.ProcessEnv }> => {
    copies += 1;
    const warehouseUrl = await cloneDatabase(t.postgresUrl('postgres'), template, `dwh_marts_kill_${process.pid}_${Date.now().toString(36)}_${copies}`);
    return { warehouseUrl, env: { TURNOVER_WAREHOUSE_URL: warehouseUrl } };
  };

  const build = async (env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<string> => {
    const built = await runCli(['build-marts', ...args], { env });
    assert.equal(built.code, 0, built.stderr);
    return built.stdout;
  };

  before(async () => {
    t = await useStack();
    const feed = crashFeed();
    const next = new Array<number>(CRASH_PARTITIONS).fill(0);
    const onTime = placeByKey(feed.onTime, next);
    const late = placeByKey(feed.late, next);
    all = [...onTime, ...late];

    const pipeline = await migratedDatabases(t, 'marts_kill');
    await land(pipeline.stagingUrl, onTime);
    assert.equal((await loadStg(pipeline.env)).code, 0);
    const first = await copyOf(databaseOf(pipeline.warehouseUrl));
    await build(pipeline.env);
    const firstBuilt = await martState(pipeline.warehouseUrl);

    await land(pipeline.stagingUrl, late);
    assert.equal((await loadStg(pipeline.env)).code, 0);
    await assertCountersAccountForEveryRecord(pipeline.warehouseUrl, all);
    const rebuild = await copyOf(databaseOf(pipeline.warehouseUrl));
    const rebuilt = await build(pipeline.env);
    // the second build rebuilds old days: the fixtures' day, the late events' day, the late rates' days, and a next day's drivers
    assert.match(rebuilt, new RegExp(`^built \\d+ days \\(2022-10-01, ${LATE_EVENTS_DAY}\\.\\..*\\) \\+ drivers of ${NEXT_DAY} `));
    await assertMartsEqualReference(pipeline.warehouseUrl, all, KAFKA_DAY);
    clean = { first: firstBuilt, rebuild: await martState(pipeline.warehouseUrl) };
    templates = { first: databaseOf(first.warehouseUrl), rebuild: databaseOf(rebuild.warehouseUrl) };
  });

  after(async () => {
    await t?.release();
  });

  const killed = (phase: 'first' | 'rebuild', point: BuildKillPoint) =>
    it(`killed ${point.name}`, async (ctx) => {
      const run = await copyOf(templates[phase]);
      const before = await martSnapshot(run.warehouseUrl);
      const reached = await killAt(await point.arm(run.warehouseUrl), ['build-marts', ...point.args], run.env, [run.warehouseUrl]);
      const atKill = await martSnapshot(run.warehouseUrl);
      const whole = assertDaysWhole(atKill, before, clean[phase]);
      ctx.diagnostic(`stopped at ${reached.where} ${JSON.stringify(reached.detail ?? {})}; at the kill ${whole.committed} days were rebuilt, ${whole.pending} still as before`);

      const rerun = await build(run.env, point.args);
      assert.doesNotMatch(rerun, /refused/);
      assert.deepEqual(await martState(run.warehouseUrl), clean[phase]);
      if (phase === 'rebuild') await assertMartsEqualReference(run.warehouseUrl, all, KAFKA_DAY);
    });

  for (const point of FIRST_BUILD) killed('first', point);
  for (const point of REBUILD) killed('rebuild', point);
});

type Snapshot = Record<string, unknown[]>;

/**
 * A transaction commits its days whole: at the kill, each day's rows of the
 * day marts are all as before the build or all as the clean build left them
 * (the drivers, which a step may rebuild for the next day, on their own).
 */
function assertDaysWhole(atKill: Snapshot, before: Snapshot, after: Snapshot): { committed: number; pending: number } {
  const rowsOf = (snapshot: Snapshot, tables: readonly string[], day: string): string =>
    JSON.stringify(tables.map((table) => (snapshot[table] as { row: string }[]).filter((r) => r.row.startsWith(`(${day},`))));
  const groups = [['usd_rates_daily', 'currency_daily', 'global_metrics', 'data_quality_daily'], ['turnover_drivers']];
  const days = new Set([atKill, before, after].flatMap((s) => groups.flat().flatMap((table) => (s[table] as { row: string }[]).map((r) => r.row.slice(1, 11)))));
  let committed = 0;
  let pending = 0;
  for (const tables of groups) {
    for (const day of days) {
      const now = rowsOf(atKill, tables, day);
      const asBuilt = now === rowsOf(after, tables, day);
      const asBefore = now === rowsOf(before, tables, day);
      assert.ok(asBuilt || asBefore, `${tables.join(', ')} of ${day}: neither as before nor as built`);
      if (tables.length > 1 && asBuilt !== asBefore) asBuilt ? (committed += 1) : (pending += 1);
    }
  }
  return { committed, pending };
}
