import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDays, dayRange } from '../../src/marts/days.js';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { generatedFeed } from './generator-support.js';
import { buildMarts, freshPipeline, GLOBAL_METRICS_TEXT_SQL, landAndLoad, martSnapshot, queryRows, type MartDatabases } from './marts-support.js';
import { factorsOf, lmdi, referenceCurrencyDays, referenceGlobalMetrics, referenceStg, type GlobalMetricsText } from './reference.js';

/**
 * build-marts over the real pipeline (generator → landing → load-stg →
 * touched-days queue): a 30-day feed checked to the cent against the
 * reference, reruns, late events for an old day, and the CLI's answers.
 */

const cents = (text: string | null): bigint => BigInt(Math.round(Number(text) * 100));

interface DriverText {
  date_update: string;
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

const DRIVERS_SQL = `
  select date_update::text, currency_from::text, kind, turnover_prev_usd::text, turnover_usd::text, change_usd::text,
         accounts_effect::text, frequency_effect::text, ticket_effect::text, fx_effect::text, entry_exit_effect::text
  from cdm.turnover_drivers order by date_update, currency_from nulls last`;

/** Days STG holds data for (transactions or rates). */
async function stgDays(db: MartDatabases): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(
    db.warehouseUrl,
    'select distinct transaction_date::text as day from stg.transactions union select distinct date_update::text from stg.currencies order by 1',
  );
  return rows.map((r) => r.day);
}

describe('build-marts: 30 days, reruns, late events, CLI', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t.release();
  });

  it('30 generated days from the queue: global_metrics equal the reference, drivers add up to the cent on every row and day', { timeout: 600_000 }, async () => {
    const feed = generatedFeed({ from: '2023-04-01', to: '2023-04-30', transactionsPerDay: 800, seed: 30, scenarios: ['fx-shock:410:-8%@2023-04-10', 'ticket-size:+30%@2023-04-20'] });
    const db = await freshPipeline(t, 'marts_thirty_days');
    await landAndLoad(db, feed);
    const days = await stgDays(db);
    assert.ok(days.length >= 30);

    const built = await buildMarts(db);
    assert.match(built.stdout, new RegExp(`^built ${days.length} days \\(${days[0]}\\.\\.${days.at(-1)}\\) in [\\d.]+ s \\[days touched since the last build\\]; consumed \\d+ queue entries\\n$`));
    assert.deepEqual(await queryRows(db.warehouseUrl, 'select * from stg.touched_days'), [], 'the queue is consumed');

    const stg = referenceStg(feed);
    assert.deepEqual(await queryRows<GlobalMetricsText>(db.warehouseUrl, GLOBAL_METRICS_TEXT_SQL), referenceGlobalMetrics(stg));

    const facts = new Map(referenceCurrencyDays(stg).map((d) => [`${d.day}/${d.currency}`, d]));
    const drivers = await queryRows<DriverText>(db.warehouseUrl, DRIVERS_SQL);
    const driverDays = dayRange(addDays(days[0]!, 1), days.at(-1)!);
    assert.deepEqual([...new Set(drivers.map((d) => d.date_update))], driverDays, 'drivers for every day after the first');
    let continuing = 0;
    for (const row of drivers) {
      if (row.kind === 'excluded') continue;
      const effects = [row.accounts_effect, row.frequency_effect, row.ticket_effect, row.fx_effect, row.entry_exit_effect].map(cents);
      assert.equal(effects.reduce((a, b) => a + b, 0n), cents(row.change_usd), `effects add up to the change on ${row.date_update}/${row.currency_from}`);
      assert.equal(cents(row.change_usd), cents(row.turnover_usd) - cents(row.turnover_prev_usd));
      if (row.kind !== 'continuing') continue;
      continuing += 1;
      const previous = facts.get(`${addDays(row.date_update, -1)}/${row.currency_from}`)!;
      const current = facts.get(`${row.date_update}/${row.currency_from}`)!;
      // the turnover is global_metrics' amount (to the cent) and each rounded effect is within a cent of the exact LMDI
      assert.equal(cents(row.turnover_usd), current.usdCents);
      assert.equal(cents(row.turnover_prev_usd), previous.usdCents);
      const exact = lmdi(factorsOf(previous), factorsOf(current));
      [exact.accounts, exact.frequency, exact.ticket, exact.fx].forEach((e, i) => {
        assert.ok(Math.abs(Number(effects[i]) - e * 100) < 1 + 1e-6, `effect ${i} of ${row.date_update}/${row.currency_from}: ${effects[i]} vs ${e * 100}`);
      });
    }
    assert.ok(continuing >= 29 * 7 - 7, `${continuing} continuing rows checked`);
    for (const day of driverDays) {
      const rows = drivers.filter((d) => d.date_update === day && d.kind !== 'excluded');
      const total = rows.find((d) => d.kind === 'total')!;
      const sum = (pick: (d: DriverText) => string | null) => rows.filter((d) => d.kind !== 'total').reduce((a, d) => a + cents(pick(d)), 0n);
      for (const pick of [(d: DriverText) => d.change_usd, (d: DriverText) => d.accounts_effect, (d: DriverText) => d.fx_effect, (d: DriverText) => d.turnover_usd]) {
        assert.equal(cents(pick(total)), sum(pick), `total row of ${day}`);
      }
    }

    // rerunning any interval leaves every mart identical
    const first = await martSnapshot(db.warehouseUrl);
    await buildMarts(db, ['--from', days[0]!, '--to', days.at(-1)!]);
    assert.deepEqual(await martSnapshot(db.warehouseUrl), first);
    await buildMarts(db, ['--from', '2023-04-10', '--to', '2023-04-12', '--days-per-transaction', '3']);
    assert.deepEqual(await martSnapshot(db.warehouseUrl), first);
    await buildMarts(db, ['--from', days[0]!, '--to', days.at(-1)!, '--parallel', '1']);
    assert.deepEqual(await martSnapshot(db.warehouseUrl), first);
    await buildMarts(db, ['--from', days[0]!, '--to', days.at(-1)!, '--parallel', '4', '--days-per-transaction', '2']);
    assert.deepEqual(await martSnapshot(db.warehouseUrl), first);
  });

  it('late events for an old day rebuild only that day and the next day\'s drivers, and equal a full rebuild', { timeout: 600_000 }, async () => {
    const lateDay = '2023-05-04';
    const isLate = (value: Buffer, i: number) => {
      const message = JSON.parse(value.toString()) as { object_type: string; payload: { transaction_dt?: string } };
      return message.object_type === 'TRANSACTION' && message.payload.transaction_dt?.startsWith(lateDay) === true && i % 5 === 0;
    };
    // half of the held-back events the source sent two days late (late arrivals); the other half it sent
    // in time and the pipeline loads them late, like a backfill or a catch-up: lag, not lateness
    const sentLate = (i: number) => i % 10 === 0;
    const feed = generatedFeed({ from: '2023-05-01', to: '2023-05-10', transactionsPerDay: 800, seed: 5 }).map((v, i) =>
      isLate(v, i) && sentLate(i) ? Buffer.from(v.toString().replace(/"sent_dttm": "\d{4}-\d{2}-\d{2}/, `"sent_dttm": "${addDays(lateDay, 2)}`)) : v,
    );
    const onTime = feed.filter((v, i) => !isLate(v, i));
    const late = feed.filter((v, i) => isLate(v, i));
    const lateSent = feed.filter((v, i) => isLate(v, i) && sentLate(i));
    assert.ok(lateSent.length > 50 && late.length - lateSent.length > 50);

    const db = await freshPipeline(t, 'marts_late');
    await landAndLoad(db, onTime);
    await buildMarts(db);
    const buildsBefore = await queryRows<{ day: string; builds: string }>(db.warehouseUrl, 'select date_update::text as day, builds::text from cdm.build_days order by 1');

    await landAndLoad(db, late);
    assert.deepEqual(await queryRows(db.warehouseUrl, 'select day::text, kind from stg.touched_days'), [{ day: lateDay, kind: 'transactions' }]);
    const dryRun = await buildMarts(db, ['--dry-run']);
    assert.equal(dryRun.stdout, `would build 1 day (${lateDay}) + drivers of ${addDays(lateDay, 1)} [days touched since the last build, 1 transactions]\n`);
    const rebuilt = await buildMarts(db);
    assert.match(rebuilt.stdout, new RegExp(`^built 1 day \\(${lateDay}\\) \\+ drivers of ${addDays(lateDay, 1)} in [\\d.]+ s .*; consumed 1 queue entries\\n$`));
    const buildsAfter = await queryRows<{ day: string; builds: string }>(db.warehouseUrl, 'select date_update::text as day, builds::text from cdm.build_days order by 1');
    assert.deepEqual(buildsAfter, buildsBefore.map((b) => (b.day === lateDay ? { ...b, builds: '2' } : b)), 'only the late day was rebuilt');
    const incremental = await martSnapshot(db.warehouseUrl);

    // the rows the source sent late are counted as late arrivals of their day; those sent in time are not
    const [lateArrivals] = await queryRows<{ value: string }>(
      db.warehouseUrl,
      `select value::text from cdm.data_quality_daily where date_update = $1 and metric = 'late_arrivals' and dimension = 'transactions'`,
      [lateDay],
    );
    assert.equal(lateArrivals?.value, `${lateSent.length}.00`);

    // a full rebuild of every day in the same warehouse changes nothing
    const days = buildsAfter.map((b) => b.day);
    await buildMarts(db, ['--from', days[0]!, '--to', days.at(-1)!]);
    assert.deepEqual(await martSnapshot(db.warehouseUrl), incremental);

    // and a warehouse that received everything at once holds the same marts (no late arrivals there)
    const once = await freshPipeline(t, 'marts_late_once');
    await landAndLoad(once, feed);
    await buildMarts(once);
    const full = await martSnapshot(once.warehouseUrl);
    const withoutLate = (rows: unknown[]) => rows.filter((r) => !String((r as { row: string }).row).includes(',late_arrivals,'));
    assert.deepEqual({ ...incremental, data_quality_daily: withoutLate(incremental.data_quality_daily!) }, full);
    assert.equal(withoutLate(incremental.data_quality_daily!).length, incremental.data_quality_daily!.length - 1);
  });

  it('a day that fails: the days before it stay committed, it and the days after are untouched and stay queued', { timeout: 600_000 }, async () => {
    const feed = generatedFeed({ from: '2023-06-01', to: '2023-06-08', transactionsPerDay: 300, seed: 11 });
    const db = await freshPipeline(t, 'marts_failure');
    await landAndLoad(db, feed);
    const queue = `select day::text, kind from stg.touched_days order by 1, 2`;
    const queued = await queryRows<{ day: string; kind: string }>(db.warehouseUrl, queue);
    // a fault injected into the warehouse: inserting 2023-06-05 into global_metrics fails
    await queryRows(db.warehouseUrl, `create function cdm.fail_on_day() returns trigger language plpgsql as
      $$ begin if new.date_update = date '2023-06-05' then raise exception 'injected failure'; end if; return new; end $$`);
    await queryRows(db.warehouseUrl, 'create trigger fail_on_day before insert on cdm.global_metrics for each row execute function cdm.fail_on_day()');
    const failed = await runCli(['build-marts', '--parallel', '3'], { env: db.env });
    assert.notEqual(failed.code, 0);
    assert.match(failed.stderr, /injected failure/);
    const built = await queryRows<{ day: string }>(db.warehouseUrl, 'select date_update::text as day from cdm.build_days order by 1');
    assert.deepEqual(built.map((b) => b.day), ['2023-06-01', '2023-06-02', '2023-06-03', '2023-06-04']);
    assert.deepEqual(
      (await queryRows<{ day: string }>(db.warehouseUrl, 'select distinct date_update::text as day from cdm.global_metrics order by 1')).map((r) => r.day),
      ['2023-06-01', '2023-06-02', '2023-06-03', '2023-06-04'],
    );
    // consumed: the transactions of the committed days; queued: the rest, and every rate (each reaches a day from 06-05 on)
    assert.deepEqual(await queryRows(db.warehouseUrl, queue), queued.filter((q) => q.kind === 'currencies' || q.day >= '2023-06-05'));
    // the fault repaired, the next run finishes the job and equals a build in one go
    await queryRows(db.warehouseUrl, 'drop trigger fail_on_day on cdm.global_metrics');
    await buildMarts(db);
    const once = await freshPipeline(t, 'marts_failure_once');
    await landAndLoad(once, feed);
    await buildMarts(once);
    assert.deepEqual(await martSnapshot(db.warehouseUrl), await martSnapshot(once.warehouseUrl));
  });

  it('the CLI: an empty queue, a half interval, an interval backwards', { timeout: 120_000 }, async () => {
    const db = await freshPipeline(t, 'marts_cli');
    const empty = await buildMarts(db);
    assert.equal(empty.stdout, 'nothing to build: no days touched since the last build\n');
    const half = await runCli(['build-marts', '--from', '2023-01-01'], { env: db.env });
    assert.equal(half.code, 2, half.stderr);
    assert.match(half.stderr, /give both --from and --to/);
    const backwards = await runCli(['build-marts', '--from', '2023-01-02', '--to', '2023-01-01'], { env: db.env });
    assert.equal(backwards.code, 2);
    assert.match(backwards.stderr, /--from 2023-01-02 is after --to 2023-01-01/);
    const noWarehouse = await runCli(['build-marts'], { env: { TURNOVER_WAREHOUSE_URL: '' } });
    assert.equal(noWarehouse.code, 3);
  });
});
