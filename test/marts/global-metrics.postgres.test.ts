import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useStack, type TestStack } from '../support/stack.js';
import { buildMarts, fixtureFeed, freshPipeline, GLOBAL_METRICS_TEXT_SQL, landAndLoad, queryRows } from './marts-support.js';
import { referenceDataQuality, referenceGlobalMetrics, referenceStg, type GlobalMetricsText } from './reference.js';

/**
 * cdm.global_metrics and the data-driven part of cdm.data_quality_daily on
 * the real feed (rate history CSV + the .jsonl messages), through the real
 * pipeline (landing → load-stg → build-marts), against the plain-TypeScript
 * reference computed from the same messages. Exact text comparison: amounts
 * to the cent, averages to 4 decimals.
 */

const DATA_QUALITY_SQL = `
  select date_update::text || '|' || metric || '|' || dimension || '|' || value::text as row
  from cdm.data_quality_daily
  where metric in ('chargebacks', 'chargebacks_usd', 'test_account_transactions', 'stale_rate_transactions',
                   'missing_rate_transactions', 'unknown_transaction_types')
  order by 1`;

describe('global_metrics on the live-feed fixtures', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t.release();
  });

  it('equals the reference computed from the messages, to the cent', { timeout: 300_000 }, async () => {
    const feed = fixtureFeed();
    const db = await freshPipeline(t, 'marts_fixtures');
    await landAndLoad(db, feed);
    await buildMarts(db, ['--from', '2022-09-30', '--to', '2022-10-02']);

    const stg = referenceStg(feed);
    const expected = referenceGlobalMetrics(stg);
    // the fixture day has counted transactions in all 7 currencies, test accounts and chargebacks
    assert.equal(expected.length, 7);
    assert.ok(expected.every((row) => row.date_update === '2022-10-01' && row.amount_total !== null));
    const actual = await queryRows<GlobalMetricsText>(db.warehouseUrl, GLOBAL_METRICS_TEXT_SQL);
    assert.deepEqual(actual, expected);

    const quality = await queryRows<{ row: string }>(db.warehouseUrl, DATA_QUALITY_SQL);
    const expectedQuality = referenceDataQuality(stg);
    assert.ok(expectedQuality.some((r) => r.includes('|chargebacks_usd|')));
    assert.ok(expectedQuality.some((r) => r.includes('|test_account_transactions|')));
    assert.deepEqual(quality.map((r) => r.row), expectedQuality);
  });

  it('a currency without a usable rate gets a NULL amount (never 0) and missing-rate counts', { timeout: 300_000 }, async () => {
    // the history starts on 2022-10-01: without that day's 410 → 420 quote there is no rate within 7 days
    const feed = fixtureFeed((row) => !(row.currencyCode === 410 && row.currencyCodeWith === 420 && row.dateUpdate === '2022-10-01'));
    const db = await freshPipeline(t, 'marts_fixtures_missing');
    // the .jsonl fixture also carries 2022-10-01's 410 → 420 quote: leave it out too
    await landAndLoad(db, feed.filter((value) => !/"currency_code": 410, "currency_code_with": 420/.test(value.toString())));
    await buildMarts(db, ['--from', '2022-10-01', '--to', '2022-10-01']);

    const stg = referenceStg(feed.filter((value) => !/"currency_code": 410, "currency_code_with": 420/.test(value.toString())));
    const expected = referenceGlobalMetrics(stg);
    const cad = expected.find((row) => row.currency_from === '410');
    assert.ok(cad && cad.amount_total === null && Number(cad.cnt_transactions) > 0);
    assert.deepEqual(await queryRows<GlobalMetricsText>(db.warehouseUrl, GLOBAL_METRICS_TEXT_SQL), expected);

    const missing = await queryRows<{ value: string }>(
      db.warehouseUrl,
      `select value::text from cdm.data_quality_daily where date_update = '2022-10-01' and metric = 'missing_rate_transactions' and dimension = '410'`,
    );
    assert.deepEqual(missing, [{ value: `${cad.cnt_transactions}.00` }]);
    assert.deepEqual((await queryRows<{ row: string }>(db.warehouseUrl, DATA_QUALITY_SQL)).map((r) => r.row), referenceDataQuality(stg));
  });
});
