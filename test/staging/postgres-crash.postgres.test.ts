import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../support/cli.js';
import { assertCountersAccountForEveryRecord, assertMartsEqualReference, loadCounters, martState, stgState } from '../support/crash-checks.js';
import { CRASH_PARTITIONS, crashFeed, placeByKey } from '../support/crash-feed.js';
import { armTriggerStall, CliProcess, type Armed } from '../support/kill-points.js';
import { PrivatePostgres } from '../support/private-postgres.js';
import { land, loadStg, type Landed } from './landing-support.js';

/**
 * A PostgreSQL crash (SIGKILL of the postmaster, then a start with crash
 * recovery) under a continuous load-stg and a build-marts: both retry
 * (availability errors, src/db/sqlstate.ts; src/db/retry-unavailable.ts)
 * from the committed state, and STG, the loader's counters and the marts
 * end equal to a clean run and to the reference. The crashes are aimed:
 * once while the loader's COPY of a chunk is stopped inside the server, once
 * while a build's global_metrics statement of a day is (kill-points.ts), so
 * each outage provably hits work in flight. The server is a private one
 * (support/private-postgres.ts): crashing the run's shared stack would
 * disturb the other test files. Then: what a one-shot run does when the
 * server stays away (exit 5 after --unavailable-timeout) or comes back in time.
 */

const KAFKA_DAY = '2022-10-01';
const DAY = '2022-10-06';
const LOAD_ARGS = ['--chunk-size', '30', '--parse-workers', '2'];
const BUILD_ARGS = ['--parallel', '3'];

describe('load-stg and build-marts across a PostgreSQL crash and restart (private real PostgreSQL)', () => {
  let server: PrivatePostgres;
  let onTime: Landed[];
  let late: Landed[];
  let databases = 0;

  /** A landing and a warehouse database on the private server, migrated by the real CLI. */
  const pipeline = async (label: string): Promise<{ stagingUrl: string; warehouseUrl: string; env: NodeJS.ProcessEnv }> => {
    databases += 1;
    const stagingUrl = await server.createDatabase(`land_${label}_${databases}`);
    const warehouseUrl = await server.createDatabase(`dwh_${label}_${databases}`);
    const env = { TURNOVER_LANDING_URL: stagingUrl, TURNOVER_WAREHOUSE_URL: warehouseUrl };
    const migrated = await runCli(['migrate'], { env });
    assert.equal(migrated.code, 0, migrated.stderr);
    return { stagingUrl, warehouseUrl, env };
  };

  const recordsCommitted = async (warehouseUrl: string): Promise<number> => (await loadCounters(warehouseUrl)).reduce((a, c) => a + c.records_read, 0);

  /** Waits until the running continuous loader has committed `records` records. */
  const loadedUpTo = async (warehouseUrl: string, records: number, loader: CliProcess): Promise<void> => {
    for (let i = 0; (await recordsCommitted(warehouseUrl)) < records; i++) {
      assert.ok(!loader.exited && i < 2_400, `load-stg keeps loading:\n${loader.output}`);
      await sleep(50);
    }
  };

  /** SIGKILL of the postmaster while `process` is stopped at `stall`, then a start with crash recovery. */
  const crashDuring = async (stall: Armed, process: CliProcess): Promise<string> => {
    const reached = await stall.reached(process);
    const postmaster = await server.crash();
    await stall.release().catch(() => undefined); // its connection died with the server
    await sleep(1_000); // the server stays away a moment: reconnects are refused
    await server.restart();
    await stall.disarm();
    return `postmaster ${postmaster} killed during ${reached.where}`;
  };

  before(async () => {
    server = await PrivatePostgres.start();
    const feed = crashFeed();
    const next = new Array<number>(CRASH_PARTITIONS).fill(0);
    onTime = placeByKey(feed.onTime, next);
    late = placeByKey(feed.late, next);
  });

  after(async () => {
    await server?.remove();
  });

  it('SIGKILL of the postmaster mid-chunk and mid-day: both retry, and STG and the marts equal a clean run', async (ctx) => {
    // the clean run: the on-time records, a build, the late records, a build
    const clean = await pipeline('clean');
    await land(clean.stagingUrl, onTime);
    assert.equal((await loadStg(clean.env, LOAD_ARGS)).code, 0);
    assert.equal((await runCli(['build-marts', ...BUILD_ARGS], { env: clean.env })).code, 0);
    await land(clean.stagingUrl, late);
    assert.equal((await loadStg(clean.env, LOAD_ARGS)).code, 0);
    assert.equal((await runCli(['build-marts', ...BUILD_ARGS], { env: clean.env })).code, 0);

    // the same with one continuous loader, through two crashes of the server
    const run = await pipeline('crash');
    await land(run.stagingUrl, onTime);
    const loader = new CliProcess(['load-stg', ...LOAD_ARGS, '--poll-interval', '0.2'], run.env);
    try {
      // 1: while a chunk's COPY into stg.transactions is half done in the server
      const midChunk = await armTriggerStall(run.warehouseUrl, { table: 'stg.transactions', on: 'insert', when: 'exists (select 1 from stg.load_state)', statement: /copy "stg"\."transactions"/ });
      const first = await crashDuring(midChunk, loader);
      const committed = await recordsCommitted(run.warehouseUrl);
      ctx.diagnostic(`${first}, with ${committed} of ${onTime.length} records committed`);
      assert.ok(committed > 0 && committed < onTime.length, 'the crash cut the load');
      await loadedUpTo(run.warehouseUrl, onTime.length, loader);

      // 2: while build-marts writes a day, three transactions in flight (the loader meets the outage while it polls)
      const midDay = await armTriggerStall(run.warehouseUrl, { table: 'cdm.global_metrics', on: 'insert', when: `new.date_update = date '${DAY}'`, statement: /insert into cdm\.global_metrics/ });
      const builder = new CliProcess(['build-marts', ...BUILD_ARGS], run.env);
      ctx.diagnostic(await crashDuring(midDay, builder));
      const built = await builder.wait();
      assert.equal(built.code, 0, builder.output);
      assert.match(builder.stdout, /^built .*; resumed \d+ times after the warehouse became unavailable/);

      // the loader is back: it loads what lands after the outage, and the next build takes it
      await land(run.stagingUrl, late);
      await loadedUpTo(run.warehouseUrl, onTime.length + late.length, loader);
      const rebuilt = await runCli(['build-marts', ...BUILD_ARGS], { env: run.env });
      assert.equal(rebuilt.code, 0, rebuilt.stderr);

      const stopped = await loader.stop();
      assert.equal(stopped.code, 0, loader.output);
      // every landed record read once over all the loader's sessions: the chunk cut by the crash was not committed, it was read again
      const summary = new RegExp(
        `^load-stg: ${onTime.length + late.length} landed records in \\d+ chunks .*; resumed (\\d+) times from the committed watermarks after a database became unavailable \\(stopped by signal\\)\\n$`,
      ).exec(loader.stdout);
      assert.ok(summary, loader.output);
      assert.ok(Number(summary[1]) >= 2, `both outages met by the loader: ${summary[1]} retries`);
    } finally {
      await loader.kill();
    }

    const landed = [...onTime, ...late];
    await assertCountersAccountForEveryRecord(run.warehouseUrl, landed);
    assert.deepEqual(await stgState(run.warehouseUrl), await stgState(clean.warehouseUrl));
    assert.deepEqual(await martState(run.warehouseUrl), await martState(clean.warehouseUrl));
    await assertMartsEqualReference(run.warehouseUrl, landed, KAFKA_DAY);
  });

  it('a one-shot run retries an outage up to --unavailable-timeout: exit 5 when the server stays away, a full load when it comes back in time', async () => {
    const run = await pipeline('one_shot');
    await land(run.stagingUrl, onTime);
    await server.stop();
    try {
      const load = await runCli(['load-stg', '--until-caught-up', '--unavailable-timeout', '2'], { env: run.env });
      assert.equal(load.code, 5, load.stderr);
      assert.match(load.stderr, /retrying from the committed state/);
      assert.match(load.stderr.trim().split('\n').at(-1)!, /^turnover: .*not reachable/);
      const build = await runCli(['build-marts', '--unavailable-timeout', '2'], { env: run.env });
      assert.equal(build.code, 5, build.stderr);
      assert.match(build.stderr.trim().split('\n').at(-1)!, /^turnover: .*not reachable/);

      // the default timeout (60 s) outlasts a restart: the run waits for the server and loads everything
      const waiting = new CliProcess(['load-stg', '--until-caught-up', ...LOAD_ARGS], run.env);
      for (let i = 0; !/retrying from the committed state/.test(waiting.stderr); i++) {
        assert.ok(!waiting.exited && i < 1_200, waiting.output);
        await sleep(50);
      }
      await server.restart();
      const exit = await waiting.wait();
      assert.equal(exit.code, 0, waiting.output);
      assert.match(waiting.stdout, new RegExp(`^load-stg: ${onTime.length} landed records .*; resumed \\d+ times`));
    } finally {
      await server.restart().catch(() => undefined);
    }
    await assertCountersAccountForEveryRecord(run.warehouseUrl, onTime);
  });
});
