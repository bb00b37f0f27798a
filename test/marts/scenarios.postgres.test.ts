import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDays, dayRange } from '../../src/marts/days.js';
import { useStack, type TestStack } from '../support/stack.js';
import { generatedFeed } from './generator-support.js';
import { buildMarts, freshPipeline, landAndLoad, queryRows, type MartDatabases } from './marts-support.js';
import { referenceGlobalMetrics, referenceStg, type GlobalMetricsText } from './reference.js';

/**
 * Generator scenarios with known effects, each compared with a baseline run
 * of the same seed: the generator draws every regular operation from its own
 * random stream, so the two feeds differ only by what the scenario injects.
 *   - fx-shock:440:+10% on D: the (440, 420) rate is exactly 10% higher.
 *   - accounts-surge:430:+50% on D: new customers add operations in 430.
 *   - missing-rates:450 for 8 days: 7 stale days, then no usable rate.
 * A driver row's effect divided by its log-mean weight L(V1, V0) is the log
 * change of its factor, so a scenario's own effect is the difference of
 * those ratios between the two runs.
 */

const FROM = '2023-03-01';
const TO = '2023-03-14';
const D = '2023-03-06';
const MISSING_FROM = '2023-03-04';
const MISSING_TO = '2023-03-11'; // 8 days: 03-04..03-10 use 03-03's rate (1..7 days old), 03-11 has none
const SCENARIOS = ['fx-shock:440:+10%@2023-03-06', 'accounts-surge:430:+50%@2023-03-06', `missing-rates:450@${MISSING_FROM}..${MISSING_TO}`];
const VOLUME = 2500;

interface Driver {
  kind: string;
  turnover_prev_usd: string;
  turnover_usd: string;
  accounts_effect: string;
  frequency_effect: string;
  ticket_effect: string;
  fx_effect: string;
}

async function driver(db: MartDatabases, day: string, currency: number): Promise<Driver> {
  const [row] = await queryRows<Driver>(
    db.warehouseUrl,
    `select kind, turnover_prev_usd::text, turnover_usd::text, accounts_effect::text, frequency_effect::text, ticket_effect::text, fx_effect::text
     from cdm.turnover_drivers where date_update = $1 and currency_from = $2`,
    [day, currency],
  );
  assert.ok(row, `a driver row for ${day}/${currency}`);
  return row;
}

/** Each effect over L(V1, V0): the log change of its factor (what the LMDI weights by L). */
function logChanges(row: Driver): { accounts: number; frequency: number; ticket: number; fx: number } {
  const v0 = Number(row.turnover_prev_usd);
  const v1 = Number(row.turnover_usd);
  const weight = v1 === v0 ? v1 : (v1 - v0) / Math.log(v1 / v0);
  return {
    accounts: Number(row.accounts_effect) / weight,
    frequency: Number(row.frequency_effect) / weight,
    ticket: Number(row.ticket_effect) / weight,
    fx: Number(row.fx_effect) / weight,
  };
}

describe('drivers of generator scenarios with known effects', () => {
  let t: TestStack;
  let baseline: MartDatabases;
  let scenario: MartDatabases;
  let scenarioFeed: Buffer[];

  before(async () => {
    t = await useStack();
    baseline = await freshPipeline(t, 'marts_baseline');
    await landAndLoad(baseline, generatedFeed({ from: FROM, to: TO, transactionsPerDay: VOLUME }));
    await buildMarts(baseline, ['--from', FROM, '--to', TO]);
    scenario = await freshPipeline(t, 'marts_scenarios');
    scenarioFeed = generatedFeed({ from: FROM, to: TO, transactionsPerDay: VOLUME, scenarios: SCENARIOS });
    await landAndLoad(scenario, scenarioFeed);
    await buildMarts(scenario, ['--from', FROM, '--to', TO]);
  });
  after(async () => {
    await t.release();
  });

  it('global_metrics of the scenario feed equal the reference computed from its messages', async () => {
    const expected = referenceGlobalMetrics(referenceStg(scenarioFeed));
    const actual = await queryRows<GlobalMetricsText>(
      scenario.warehouseUrl,
      `select date_update::text, currency_from::text, amount_total::text, cnt_transactions::text,
              avg_transactions_per_account::text, cnt_accounts_make_transactions::text
       from cdm.global_metrics order by date_update, currency_from`,
    );
    assert.equal(actual.length, dayRange(FROM, TO).length * 7);
    assert.deepEqual(actual, expected);
  });

  it('an FX shock of +10% on D is an FX effect of L(V1, V0)·ln 1.1 and moves no other effect', async () => {
    const shocked = await driver(scenario, D, 440);
    const plain = await driver(baseline, D, 440);
    const s = logChanges(shocked);
    const b = logChanges(plain);
    assert.ok(Math.abs(s.fx - b.fx - Math.log(1.1)) < 1e-3, `FX log change: ${s.fx} vs ${b.fx} + ln 1.1`);
    for (const k of ['accounts', 'frequency', 'ticket'] as const) assert.ok(Math.abs(s[k] - b[k]) < 1e-3, `${k}: ${s[k]} vs ${b[k]}`);
    // in dollars: the FX effect of the shocked day is its weight times (the day's own drift + ln 1.1)
    const v0 = Number(shocked.turnover_prev_usd);
    const v1 = Number(shocked.turnover_usd);
    const weight = (v1 - v0) / Math.log(v1 / v0);
    assert.ok(Math.abs(Number(shocked.fx_effect) - weight * (b.fx + Math.log(1.1))) < 0.02);
    // the day after, the rate falls back: the same effect with the opposite sign
    const after = logChanges(await driver(scenario, addDays(D, 1), 440));
    const afterPlain = logChanges(await driver(baseline, addDays(D, 1), 440));
    assert.ok(Math.abs(after.fx - afterPlain.fx + Math.log(1.1)) < 1e-3);
    // other currencies are untouched by the shock (430 has the surge: leave it out)
    for (const currency of [410, 420, 460, 470]) assert.deepEqual(await driver(scenario, D, currency), await driver(baseline, D, currency));
  });

  it('an accounts surge (+50% of the operations, by new customers) in 430 on D is an accounts effect of L·ln(A_s/A), with FX unmoved', async () => {
    const [withSurge, without] = await Promise.all(
      [scenario, baseline].map(async (db) =>
        (await queryRows<{ accounts: number; transactions: number }>(
          db.warehouseUrl,
          `select cnt_accounts_make_transactions::int as accounts, cnt_transactions::int as transactions from cdm.global_metrics where date_update = $1 and currency_from = 430`,
          [D],
        ))[0]!,
      ),
    );
    const added = withSurge!.transactions - without!.transactions;
    assert.ok(added / without!.transactions > 0.4 && added / without!.transactions < 0.6, `+${added} on ${without!.transactions} transactions`);
    // nearly every added transaction is by a customer not otherwise active that day
    const newAccounts = withSurge!.accounts - without!.accounts;
    assert.ok(newAccounts <= added && newAccounts >= 0.9 * added, `${newAccounts} new accounts for ${added} added transactions`);
    const accountsRatio = withSurge!.accounts / without!.accounts;
    const s = logChanges(await driver(scenario, D, 430));
    const b = logChanges(await driver(baseline, D, 430));
    // the accounts factor rose by exactly the new customers; frequency falls (they transact once), the ticket barely moves
    assert.ok(Math.abs(s.accounts - b.accounts - Math.log(accountsRatio)) < 1e-3, `accounts log change ${s.accounts} vs ${b.accounts} + ln ${accountsRatio}`);
    assert.ok(s.frequency < b.frequency && b.frequency - s.frequency < (s.accounts - b.accounts) / 2);
    assert.ok(Math.abs(s.ticket - b.ticket) < (s.accounts - b.accounts) / 2);
    assert.ok(Math.abs(s.fx - b.fx) < 1e-3);
    // and in the day's total it is the largest effect
    const [total] = await queryRows<{ accounts: number; frequency: number; ticket: number; fx: number }>(
      scenario.warehouseUrl,
      `select accounts_effect::float8 as accounts, frequency_effect::float8 as frequency, ticket_effect::float8 as ticket, fx_effect::float8 as fx
       from cdm.turnover_drivers where date_update = $1 and kind = 'total'`,
      [D],
    );
    assert.ok(total!.accounts > Math.abs(total!.frequency) && total!.accounts > Math.abs(total!.ticket) && total!.accounts > Math.abs(total!.fx));
  });

  it('a currency without rates: 7 stale days, then NULL amounts, missing-rate counts and no drivers', async () => {
    const rows = await queryRows<{ day: string; amount: string | null; transactions: string; rate_status: string }>(
      scenario.warehouseUrl,
      `select g.date_update::text as day, g.amount_total::text as amount, g.cnt_transactions::text as transactions, c.rate_status
       from cdm.global_metrics g join cdm.currency_daily c on c.date_update = g.date_update and c.currency_code = g.currency_from
       where g.currency_from = 450 and g.date_update between $1 and $2 order by 1`,
      [MISSING_FROM, addDays(MISSING_TO, 1)],
    );
    assert.deepEqual(rows.map((r) => r.rate_status), [...Array(7).fill('stale'), 'missing', 'same_day']);
    assert.ok(rows.slice(0, 7).every((r) => r.amount !== null));
    assert.equal(rows[7]!.amount, null);
    const quality = await queryRows<{ day: string; metric: string; value: string }>(
      scenario.warehouseUrl,
      `select date_update::text as day, metric, value::text from cdm.data_quality_daily
       where dimension = '450' and metric in ('stale_rate_transactions', 'missing_rate_transactions') order by 1`,
    );
    assert.deepEqual(quality, rows.slice(0, 8).map((r, i) => ({ day: r.day, metric: i < 7 ? 'stale_rate_transactions' : 'missing_rate_transactions', value: `${r.transactions}.00` })));
    // the day without a rate and the day after (its previous day has none) are left out of the decomposition
    assert.equal((await driver(scenario, MISSING_TO, 450)).kind, 'excluded');
    assert.equal((await driver(scenario, addDays(MISSING_TO, 1), 450)).kind, 'excluded');
    assert.equal((await driver(scenario, addDays(MISSING_TO, 2), 450)).kind, 'continuing');
  });
});
