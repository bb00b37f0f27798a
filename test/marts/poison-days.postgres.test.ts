import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { buildMarts, fixtureFeed, freshPipeline, GLOBAL_METRICS_TEXT_SQL, landAndLoad, queryRows } from './marts-support.js';
import { referenceDataQuality, referenceGlobalMetrics, referenceStg, type GlobalMetricsText } from './reference.js';

/**
 * build-marts never fails on data (issue 16): transactions dated on the
 * first and last day the contract accepts go through load-stg and a queue
 * build, and a day whose build the warehouse refuses (a numeric overflow)
 * is recorded in cdm.build_failures while every other day is built. Real
 * landing, real load-stg, real PostgreSQL; marts compared with the
 * independent reference (reference.ts).
 */

type Json = Record<string, any>;
const uuid = (n: number): string => `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;

const DATA_QUALITY_SQL = `
  select date_update::text || '|' || metric || '|' || dimension || '|' || value::text as row
  from cdm.data_quality_daily
  where metric in ('chargebacks', 'chargebacks_usd', 'test_account_transactions', 'stale_rate_transactions',
                   'missing_rate_transactions', 'unknown_transaction_types')
  order by 1`;

/** The real feed's messages as JSON. */
const feedMessages = (feed: readonly Buffer[]): Json[] => feed.map((v) => JSON.parse(v.toString('utf8')) as Json);

/** Copies of the feed's done transactions under new ids, dated `day` (same time of day). */
function copiesOn(feed: readonly Buffer[], day: string, firstId: number, count = 8): Buffer[] {
  return feedMessages(feed)
    .filter((m) => m.object_type === 'TRANSACTION' && m.payload.status === 'done')
    .slice(0, count)
    .map((m, i) => {
      const copy = structuredClone(m);
      copy.object_id = copy.payload.operation_id = uuid(firstId + i);
      copy.payload.transaction_dt = `${day} ${String(m.payload.transaction_dt).slice(11)}`;
      return Buffer.from(JSON.stringify(copy));
    });
}

describe('build-marts on any day the contract accepts, and past a day it cannot build', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('transactions on 0001-01-01 and 9999-12-31 (and a rate of 9999-12-28) go through load-stg and a queue build: exit 0, every day equal to the reference', { timeout: 300_000 }, async () => {
    const feed = fixtureFeed();
    const rate = feedMessages(feed).find((m) => m.object_type === 'CURRENCY' && m.payload.currency_code === 430 && m.payload.currency_code_with === 420)!;
    const lateRate = Buffer.from(JSON.stringify({ ...rate, sent_dttm: '9999-12-28T00:00:00', payload: { ...rate.payload, date_update: '9999-12-28' } }));
    const extremes = [...copiesOn(feed, '0001-01-01', 1, 3), ...copiesOn(feed, '9999-12-31', 100, 5), lateRate];
    const values = [...feed, ...extremes];
    const db = await freshPipeline(t, 'marts_extreme_days');
    await landAndLoad(db, values);
    const queued = await queryRows<{ day: string }>(db.warehouseUrl, 'select distinct day::text from stg.touched_days order by 1');
    assert.deepEqual([queued[0]!.day, queued.at(-1)!.day], ['0001-01-01', '9999-12-31']);

    const built = await buildMarts(db);
    assert.match(built.stdout, /^built 3 days \(0001-01-01, 2022-10-01, 9999-12-31\) in [\d.]+ s \[days touched since the last build\]; consumed \d+ queue entries\n$/);
    assert.deepEqual(await queryRows(db.warehouseUrl, 'select count(*)::int as n from stg.touched_days'), [{ n: 0 }], 'the queue is consumed');
    assert.deepEqual(await queryRows(db.warehouseUrl, 'select count(*)::int as n from cdm.build_failures'), [{ n: 0 }]);

    const stg = referenceStg(values);
    const expected = referenceGlobalMetrics(stg);
    assert.deepEqual(new Set(expected.map((r) => r.date_update)), new Set(['0001-01-01', '2022-10-01', '9999-12-31']));
    assert.deepEqual(await queryRows<GlobalMetricsText>(db.warehouseUrl, GLOBAL_METRICS_TEXT_SQL), expected);
    assert.deepEqual((await queryRows<{ row: string }>(db.warehouseUrl, DATA_QUALITY_SQL)).map((r) => r.row), referenceDataQuality(stg));
    // 9999-12-31 converts RUB with the rate of 9999-12-28, three days stale
    const rub = expected.find((r) => r.date_update === '9999-12-31' && r.currency_from === '430');
    assert.ok(rub?.amount_total !== null && rub !== undefined);

    // intervals at both ends, and a second queue run with nothing to do
    for (const [from, to] of [['0001-01-01', '0001-01-03'], ['9999-12-29', '9999-12-31']] as const) {
      const again = await buildMarts(db, ['--from', from, '--to', to]);
      assert.match(again.stdout, /^built 3 days/);
    }
    assert.deepEqual(await queryRows<GlobalMetricsText>(db.warehouseUrl, GLOBAL_METRICS_TEXT_SQL), expected);
    assert.match((await buildMarts(db)).stdout, /^nothing to build/);
    const outside = await runCli(['build-marts', '--from', '0000-12-31', '--to', '0001-01-01'], { env: db.env });
    assert.equal(outside.code, 2, outside.stderr);
    assert.match(outside.stderr, /^turnover: --from must be a date YYYY-MM-DD of years 0001-9999, got "0000-12-31"$/m);
  });

  it('a day the warehouse refuses to build (numeric overflow) is recorded in cdm.build_failures; the other days are built, the queue consumed, exit 0; the next good load rebuilds it', { timeout: 300_000 }, async () => {
    const feed = fixtureFeed();
    const messages = feedMessages(feed);
    const cadRate = messages.find((m) => m.object_type === 'CURRENCY' && m.payload.currency_code === 410 && m.payload.currency_code_with === 420 && m.payload.date_update.startsWith('2022-10-01'))!;
    // a newer quote of 99,999,999,999,999 USD per CAD (the most STG's numeric(20,6) takes) and a 10,000,000 CAD transfer:
    // USD 10^21, past cdm.currency_daily's numeric(20,2)
    const hugeRate = Buffer.from(JSON.stringify({ ...cadRate, sent_dttm: '2022-10-01T12:00:00', payload: { ...cadRate.payload, currency_with_div: 99_999_999_999_999 } }));
    const cadDone = messages.find((m) => m.object_type === 'TRANSACTION' && m.payload.status === 'done' && m.payload.currency_code === 410)!;
    const bigTransfer = Buffer.from(JSON.stringify({ ...cadDone, object_id: uuid(500), payload: { ...cadDone.payload, operation_id: uuid(500), amount: 1_000_000_000 } }));
    const nextDay = copiesOn(feed, '2022-10-02', 200);
    const values = [...feed, ...nextDay, hugeRate, bigTransfer];
    const db = await freshPipeline(t, 'marts_refused_day');
    await landAndLoad(db, values);

    // two days per transaction: the refused step is built day by day
    const built = await buildMarts(db, ['--days-per-transaction', '2']);
    assert.match(built.stdout, /; the warehouse refused 1 day for their data, left as last built and recorded in cdm\.build_failures: 2022-10-01 \(SQLSTATE 22003\)\n$/);
    assert.deepEqual(await queryRows(db.warehouseUrl, 'select date_update::text as day, sqlstate, detail from cdm.build_failures'), [
      { day: '2022-10-01', sqlstate: '22003', detail: 'numeric field overflow' },
    ]);
    assert.deepEqual(await queryRows(db.warehouseUrl, 'select count(*)::int as n from stg.touched_days'), [{ n: 0 }], 'the queue did not stall on the day');
    const expected = referenceGlobalMetrics(referenceStg(values));
    const metrics = await queryRows<GlobalMetricsText>(db.warehouseUrl, GLOBAL_METRICS_TEXT_SQL);
    assert.ok(metrics.length > 0);
    assert.deepEqual(metrics, expected.filter((r) => r.date_update !== '2022-10-01'), 'every other day equals the reference; the refused day has no rows (it was never built)');

    // the rate corrected by a newer quote: load-stg queues the day again and it builds
    const corrected = Buffer.from(JSON.stringify({ ...cadRate, sent_dttm: '2022-10-01T13:00:00' }));
    await landAndLoad(db, [corrected]);
    const rebuilt = await buildMarts(db);
    assert.doesNotMatch(rebuilt.stdout, /refused/);
    assert.deepEqual(await queryRows(db.warehouseUrl, 'select count(*)::int as n from cdm.build_failures'), [{ n: 0 }], 'a successful build clears the failure');
    assert.deepEqual(await queryRows<GlobalMetricsText>(db.warehouseUrl, GLOBAL_METRICS_TEXT_SQL), referenceGlobalMetrics(referenceStg([...values, corrected])));
  });
});
