import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays } from '../../src/marts/days.js';
import { silentLogger } from '../../src/log/logger.js';
import { buildMarts } from '../../src/marts/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { migratedDatabases } from '../staging/landing-support.js';
import { useStack, type TestStack } from '../support/stack.js';
import { queryRows } from './marts-support.js';
import { lmdi, type Factors } from './reference.js';
import { insertStg, type StgRate, type StgTransaction } from './stg-rows.js';

/**
 * Hand-made cases whose drivers are known in advance: each currency moves
 * exactly one factor between two days, or enters, exits, has no rate, or has
 * zero turnover on one side. Expected values are worked out in the comments.
 */

const D0 = '2023-01-01';
const D1 = '2023-01-02';

const txns = (day: string, currency: number, accounts: readonly number[], amount: number): StgTransaction[] =>
  accounts.map((account) => ({ day, currency, account, amount }));

async function build(url: string, from: string, to: string): Promise<void> {
  const warehouse = await openWarehouse(url, silentLogger());
  try {
    await buildMarts(warehouse, { interval: { from, to }, daysPerTransaction: 1 }, silentLogger());
  } finally {
    await warehouse.close();
  }
}

interface DriverRow {
  currency_from: string | null;
  kind: string;
  turnover_prev_usd: string | null;
  turnover_usd: string | null;
  change_usd: string | null;
  accounts_effect: string | null;
  frequency_effect: string | null;
  ticket_effect: string | null;
  fx_effect: string | null;
  entry_exit_effect: string | null;
}

describe('turnover_drivers: cases with known effects', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t.release();
  });

  it('one factor at a time, equal turnover, zero turnover, entry, exit, excluded, and the total', { timeout: 120_000 }, async () => {
    const { warehouseUrl } = await migratedDatabases(t, 'marts_cases');
    await insertStg(
      warehouseUrl,
      [
        // 410: accounts ×2, ticket ÷2, V = 150 both days: L(a, a) = a, effects ±150·ln 2 = ±103.97
        ...txns(D0, 410, [1, 2], 10_000),
        ...txns(D1, 410, [1, 2, 3, 4], 5_000),
        // 440: only the rate moves, 1.00 → 1.10: V 150 → 165, all of it FX
        ...txns(D0, 440, [1, 2, 3], 5_000),
        ...txns(D1, 440, [1, 2, 3], 5_000),
        // 450: accounts ×2: V 28 → 56, all of it accounts
        ...txns(D0, 450, [1, 2], 10_000),
        ...txns(D1, 450, [1, 2, 3, 4], 10_000),
        // 460: zero turnover on D0 (an amount of 0), 10.00 × 1.2 on D1: the factor that is 0, the ticket, takes it all
        ...txns(D0, 460, [1], 0),
        ...txns(D1, 460, [1], 1_000),
        // 470: D0 only: exit of 20.00 × 0.05 = 1.00
        ...txns(D0, 470, [1], 2_000),
        // 420: D1 only: entry of 2 × 5.00
        ...txns(D1, 420, [1, 2], 500),
        // 430: no rate on D0 (its first quote is D1's): excluded from the decomposition
        ...txns(D0, 430, [1], 100_000),
        ...txns(D1, 430, [1], 100_000),
        // not counted: a test account, a chargeback (data quality only)
        { day: D1, currency: 440, account: 9, amount: 99_999, from: -1 },
        { day: D1, currency: 440, account: 9, amount: 77_700, status: 'chargeback' },
      ],
      [
        { day: D0, currency: 410, rate: 0.75 }, { day: D1, currency: 410, rate: 0.75 },
        { day: D0, currency: 440, rate: 1.0 }, { day: D1, currency: 440, rate: 1.1 },
        { day: D0, currency: 450, rate: 0.14 }, { day: D1, currency: 450, rate: 0.14 },
        { day: D0, currency: 460, rate: 1.2 }, { day: D1, currency: 460, rate: 1.2 },
        { day: D0, currency: 470, rate: 0.05 },
        { day: D1, currency: 430, rate: 0.016 },
      ],
    );
    await build(warehouseUrl, D0, D1);

    const rows = await queryRows<DriverRow>(
      warehouseUrl,
      `select currency_from::text, kind, turnover_prev_usd::text, turnover_usd::text, change_usd::text, accounts_effect::text,
              frequency_effect::text, ticket_effect::text, fx_effect::text, entry_exit_effect::text
       from cdm.turnover_drivers where date_update = $1 order by currency_from nulls last`,
      [D1],
    );
    const row = (c: string | null) => rows.find((r) => r.currency_from === c);
    const effects = (r: DriverRow | undefined) => r && [r.change_usd, r.accounts_effect, r.frequency_effect, r.ticket_effect, r.fx_effect, r.entry_exit_effect];
    assert.deepEqual(effects(row('410')), ['0.00', '103.97', '0.00', '-103.97', '0.00', '0.00']);
    assert.deepEqual(effects(row('440')), ['15.00', '0.00', '0.00', '0.00', '15.00', '0.00']);
    assert.deepEqual(effects(row('450')), ['28.00', '28.00', '0.00', '0.00', '0.00', '0.00']);
    assert.deepEqual(effects(row('460')), ['12.00', '0.00', '0.00', '12.00', '0.00', '0.00']);
    assert.deepEqual(effects(row('470')), ['-1.00', '0.00', '0.00', '0.00', '0.00', '-1.00']);
    assert.deepEqual(effects(row('420')), ['10.00', '0.00', '0.00', '0.00', '0.00', '10.00']);
    assert.deepEqual(effects(row('430')), [null, null, null, null, null, null]);
    assert.deepEqual(rows.map((r) => [r.currency_from, r.kind]), [
      ['410', 'continuing'], ['420', 'entry'], ['430', 'excluded'], ['440', 'continuing'], ['450', 'continuing'], ['460', 'continuing'],
      ['470', 'exit'], [null, 'total'],
    ]);
    // the total: turnover of the currencies in the decomposition (430 left out), and its effects add up
    const total = row(null)!;
    assert.deepEqual([total.turnover_prev_usd, total.turnover_usd], [`${150 + 150 + 28 + 0 + 1}.00`, `${150 + 165 + 56 + 12 + 10}.00`]);
    // accounts 103.97 (410) + 28 (450); ticket −103.97 (410) + 12 (460); FX 15 (440); entry/exit 10 − 1
    assert.deepEqual(effects(total), ['64.00', '131.97', '0.00', '-91.97', '15.00', '9.00']);

    // D0 has no previous day built: no drivers for it
    assert.deepEqual(await queryRows(warehouseUrl, 'select * from cdm.turnover_drivers where date_update = $1', [D0]), []);

    const quality = await queryRows<{ row: string }>(
      warehouseUrl,
      `select date_update::text || ' ' || metric || ' ' || dimension || ' ' || value::text as row from cdm.data_quality_daily order by 1`,
    );
    assert.deepEqual(quality.map((r) => r.row), [
      `${D0} missing_rate_transactions 430 1.00`,
      `${D1} chargebacks 440 1.00`,
      `${D1} chargebacks_usd 440 854.70`, // 777.00 × 1.1
      `${D1} test_account_transactions 440 1.00`,
    ]);
  });

  it('a 7-day-old rate is used (stale), an 8-day-old one is not (missing: NULL, never 0)', { timeout: 120_000 }, async () => {
    const { warehouseUrl } = await migratedDatabases(t, 'marts_stale');
    await insertStg(
      warehouseUrl,
      [...txns('2023-02-08', 440, [1, 2], 12_345), ...txns('2023-02-09', 440, [1], 10_000), ...txns('2023-02-09', 420, [1], 10_000)],
      [{ day: '2023-02-01', currency: 440, rate: 1.05 }, { day: '2023-02-01', currency: 420, rate: 7, with: 440 }],
    );
    await build(warehouseUrl, '2023-02-01', '2023-02-09');
    assert.deepEqual(
      await queryRows(warehouseUrl, `select date_update::text, currency_from, amount_total::text from cdm.global_metrics order by 1, 2`),
      [
        { date_update: '2023-02-08', currency_from: 440, amount_total: '259.25' }, // 246.90 × 1.05 = 259.245 → half up
        { date_update: '2023-02-09', currency_from: 420, amount_total: '100.00' },
        { date_update: '2023-02-09', currency_from: 440, amount_total: null },
      ],
    );
    assert.deepEqual(
      await queryRows(warehouseUrl, `select date_update::text, rate::text, rate_date::text, rate_status from cdm.usd_rates_daily where currency_code = 440 order by 1`),
      ['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => ({
        date_update: `2023-02-${d}`, rate: '1.050000', rate_date: '2023-02-01', rate_status: d === '01' ? 'same_day' : 'stale',
      })),
    );
    assert.deepEqual(
      await queryRows(warehouseUrl, `select date_update::text, metric, dimension, value::text from cdm.data_quality_daily order by 1, 2`),
      [
        { date_update: '2023-02-08', metric: 'stale_rate_transactions', dimension: '440', value: '2.00' },
        { date_update: '2023-02-09', metric: 'missing_rate_transactions', dimension: '440', value: '1.00' },
      ],
    );
  });

  it('property: on random days every row adds up to the cent and each effect is within a cent of the exact LMDI', { timeout: 600_000 }, async () => {
    const { warehouseUrl } = await migratedDatabases(t, 'marts_lmdi_property');
    const currencyDay = fc.record({
      transactions: fc.array(fc.record({ account: fc.integer({ min: 1, max: 5 }), amount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50_000_000 })) }), { maxLength: 6 }),
      rate: fc.option(fc.integer({ min: 1, max: 3_000_000 }).map((micro) => micro / 1e6), { freq: 5 }),
    });
    const scenario = fc.array(fc.dictionary(fc.constantFrom('410', '440', '450', '470'), currencyDay), { minLength: 3, maxLength: 3 });
    let run = 0;
    let continuing = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (days) => {
        const first = addDays('2024-01-01', 10 * run++);
        const dates = days.map((_, i) => addDays(first, i));
        const transactions: StgTransaction[] = [];
        const rates: StgRate[] = [];
        days.forEach((byCurrency, i) => {
          for (const [currency, d] of Object.entries(byCurrency)) {
            for (const x of d.transactions) transactions.push({ day: dates[i]!, currency: Number(currency), account: x.account, amount: x.amount });
            if (d.rate !== null) rates.push({ day: dates[i]!, currency: Number(currency), rate: d.rate });
          }
        });
        await insertStg(warehouseUrl, transactions, rates);
        await build(warehouseUrl, dates[0]!, dates[2]!);
        const facts = await queryRows<Factors & { date_update: string; currency_code: number; amount_usd: string | null }>(
          warehouseUrl,
          `select date_update::text, currency_code, cnt_accounts::float8 as accounts, cnt_transactions::float8 as transactions,
                  amount_local::float8 as amount, rate::float8 as rate, amount_usd::text
           from cdm.currency_daily where date_update between $1 and $2`,
          [dates[0], dates[2]],
        );
        const rows = await queryRows<DriverRow & { date_update: string }>(
          warehouseUrl,
          `select date_update::text, currency_from::text, kind, turnover_prev_usd::text, turnover_usd::text, change_usd::text,
                  accounts_effect::text, frequency_effect::text, ticket_effect::text, fx_effect::text, entry_exit_effect::text
           from cdm.turnover_drivers where date_update between $1 and $2`,
          [dates[0], dates[2]],
        );
        const cents = (v: string | null) => Math.round(Number(v) * 100);
        for (const r of rows) {
          if (r.kind === 'excluded') continue;
          const parts = [r.accounts_effect, r.frequency_effect, r.ticket_effect, r.fx_effect, r.entry_exit_effect].map(cents);
          assert.equal(parts.reduce((a, b) => a + b, 0), cents(r.change_usd), `effects add up on ${r.date_update}/${r.currency_from}`);
          assert.equal(cents(r.change_usd), cents(r.turnover_usd) - cents(r.turnover_prev_usd));
          if (r.kind !== 'continuing') continue;
          continuing += 1;
          const fact = (day: string) => facts.find((f) => f.date_update === day && String(f.currency_code) === r.currency_from)!;
          const exact = lmdi(fact(addDays(r.date_update, -1)), fact(r.date_update));
          const rounded = parts.slice(0, 4);
          [exact.accounts, exact.frequency, exact.ticket, exact.fx].forEach((e, i) => {
            assert.ok(Math.abs(rounded[i]! - e * 100) < 1 + 1e-6, `effect ${i} of ${r.date_update}/${r.currency_from}: ${rounded[i]} cents vs exact ${e * 100}`);
          });
        }
        for (const day of dates.slice(1)) {
          const ofDay = rows.filter((r) => r.date_update === day && r.kind !== 'excluded');
          const total = ofDay.find((r) => r.kind === 'total')!;
          const sum = (f: (r: DriverRow) => string | null) => ofDay.filter((r) => r.kind !== 'total').reduce((a, r) => a + cents(f(r)), 0);
          assert.equal(cents(total.change_usd), sum((r) => r.change_usd));
          assert.equal(cents(total.fx_effect), sum((r) => r.fx_effect));
        }
      }),
      { numRuns: 25 },
    );
    assert.ok(continuing >= 20, `only ${continuing} continuing rows were checked`);
  });
});
