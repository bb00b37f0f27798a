import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays, dayRange } from '../../src/marts/days.js';
import { planInterval, planQueue, RATE_REACH_DAYS } from '../../src/marts/plan.js';
import type { BuildPlan, QueueEntry } from '../../src/marts/types.js';

const entry = (day: string, kind = 'transactions'): QueueEntry => ({ day, kind, touchedAt: `${day} 12:00:00+00` });
const built = (from: string, to: string) => new Set(dayRange(from, to));
const stepDays = (plan: BuildPlan) => plan.steps.map((s) => [s.from, s.to, s.driversOf ?? null]);
const consumedIn = (plan: BuildPlan, e: QueueEntry) => plan.steps.findIndex((s) => s.consume.includes(e));

describe('build plan: which days a build rebuilds', () => {
  it('late transactions for an old day: that day, then the drivers of the next built day', () => {
    const late = entry('2023-03-04');
    const plan = planQueue({ queue: [late], built: built('2023-03-01', '2023-03-10'), daysPerTransaction: 1 });
    assert.deepEqual(plan.days, ['2023-03-04']);
    assert.deepEqual(plan.driversOnly, ['2023-03-05']);
    assert.deepEqual(stepDays(plan), [['2023-03-04', '2023-03-04', '2023-03-05']]);
    assert.equal(consumedIn(plan, late), 0);
  });

  it('the first and last days the contract accepts: no day before 0001-01-01 or after 9999-12-31 is planned', () => {
    const first = entry('0001-01-01');
    const lastRate = entry('9999-12-28', 'currencies');
    const last = entry('9999-12-31');
    const plan = planQueue({ queue: [first, lastRate, last], built: built('9999-12-20', '9999-12-31'), daysPerTransaction: 3 });
    // the rate reaches 9999-12-28..9999-12-31 only; nothing is gap-filled before 0001-01-01; 9999-12-31 has no next day's drivers
    assert.deepEqual(plan.days, ['0001-01-01', '9999-12-28', '9999-12-29', '9999-12-30', '9999-12-31']);
    assert.deepEqual(stepDays(plan), [['0001-01-01', '0001-01-01', null], ['9999-12-28', '9999-12-30', null], ['9999-12-31', '9999-12-31', null]]);
    assert.deepEqual([first, lastRate, last].map((e) => consumedIn(plan, e)), [0, 2, 2]);
    const interval = planInterval('0001-01-01', '0001-01-03', { queue: [first], built: built('0001-01-01', '0001-01-05'), daysPerTransaction: 1 });
    assert.deepEqual(stepDays(interval).at(-1), ['0001-01-03', '0001-01-03', '0001-01-04']);
  });

  it('the newest day: no drivers of a day that is not built', () => {
    const plan = planQueue({ queue: [entry('2023-03-11')], built: built('2023-03-01', '2023-03-10'), daysPerTransaction: 1 });
    assert.deepEqual(plan.days, ['2023-03-11']);
    assert.deepEqual(plan.driversOnly, []);
  });

  it('a late rate of day D reaches the built days D..D+7, and is consumed with the last of them', () => {
    const rate = entry('2023-03-02', 'currencies');
    const plan = planQueue({ queue: [rate], built: built('2023-03-01', '2023-03-20'), daysPerTransaction: 1 });
    assert.deepEqual(plan.days, dayRange('2023-03-02', addDays('2023-03-02', RATE_REACH_DAYS)));
    assert.deepEqual(plan.driversOnly, ['2023-03-10']);
    assert.equal(consumedIn(plan, rate), plan.steps.length - 1);
  });

  it('a rate for days without data builds nothing and is consumed on its own', () => {
    const rate = entry('2023-04-01', 'currencies');
    const plan = planQueue({ queue: [rate], built: built('2023-03-01', '2023-03-10'), daysPerTransaction: 1 });
    assert.deepEqual(plan.days, []);
    assert.deepEqual(plan.consumeOnly, [rate]);
  });

  it('a rate with its own day queued for transactions: only days that have data', () => {
    const plan = planQueue({
      queue: [entry('2023-03-11', 'currencies'), entry('2023-03-11'), entry('2023-03-12')],
      built: built('2023-03-01', '2023-03-10'),
      daysPerTransaction: 1,
    });
    assert.deepEqual(plan.days, ['2023-03-11', '2023-03-12']);
  });

  it('fills an unbuilt gap before a rebuilt day (a day with no data at all), not before the first day ever', () => {
    const plan = planQueue({ queue: [entry('2023-03-14')], built: built('2023-03-01', '2023-03-10'), daysPerTransaction: 1 });
    assert.deepEqual(plan.days, ['2023-03-11', '2023-03-12', '2023-03-13', '2023-03-14']);
    const first = planQueue({ queue: [entry('2023-03-14'), entry('2023-03-16')], built: new Set(), daysPerTransaction: 1 });
    assert.deepEqual(first.days, ['2023-03-14', '2023-03-15', '2023-03-16']);
  });

  it('an interval builds exactly its days and consumes only the queue rows it fully covers', () => {
    const inside = entry('2023-03-05');
    const rateInside = entry('2023-03-01', 'currencies');
    const rateReachingOut = entry('2023-03-05', 'currencies');
    const outside = entry('2023-03-20');
    const plan = planInterval('2023-03-01', '2023-03-10', {
      queue: [inside, rateInside, rateReachingOut, outside],
      built: built('2023-03-01', '2023-03-30'),
      daysPerTransaction: 4,
    });
    assert.deepEqual(plan.days, dayRange('2023-03-01', '2023-03-10'));
    assert.deepEqual(stepDays(plan), [
      ['2023-03-01', '2023-03-04', null],
      ['2023-03-05', '2023-03-08', null],
      ['2023-03-09', '2023-03-10', '2023-03-11'],
    ]);
    assert.equal(consumedIn(plan, inside), 1);
    assert.equal(consumedIn(plan, rateInside), 1); // its last day, 03-08
    assert.equal(consumedIn(plan, rateReachingOut), -1);
    assert.equal(consumedIn(plan, outside), -1);
  });

  it('properties: every queue row is consumed once, after all the days it needs are rebuilt', () => {
    const day = fc.integer({ min: 0, max: 40 }).map((n) => addDays('2023-03-01', n));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ day, kind: fc.constantFrom('transactions', 'currencies') }), { selector: (e) => `${e.day}/${e.kind}`, maxLength: 12 }),
        fc.uniqueArray(day, { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (rows, builtDays, daysPerTransaction) => {
          const queue = rows.map((r) => entry(r.day, r.kind));
          const builtSet = new Set(builtDays);
          const plan = planQueue({ queue, built: builtSet, daysPerTransaction });
          const rebuilt = new Set(plan.days);
          for (const e of queue) {
            if (e.kind === 'transactions') assert.ok(rebuilt.has(e.day), `transactions of ${e.day} rebuilt`);
            else for (const d of dayRange(e.day, addDays(e.day, RATE_REACH_DAYS))) if (builtSet.has(d)) assert.ok(rebuilt.has(d), `${d} uses the rate of ${e.day}`);
            const inSteps = plan.steps.filter((s) => s.consume.includes(e)).length + (plan.consumeOnly.includes(e) ? 1 : 0);
            assert.equal(inSteps, 1, 'consumed exactly once');
            const index = consumedIn(plan, e);
            if (index >= 0) {
              const doneBy = plan.steps[index]!.to;
              const needs = e.kind === 'transactions' ? [e.day] : dayRange(e.day, addDays(e.day, RATE_REACH_DAYS)).filter((d) => rebuilt.has(d));
              assert.ok(needs.every((d) => d <= doneBy), 'consumed in the transaction of its last day or later');
            }
          }
          // steps cover the days in order, each at most daysPerTransaction consecutive days
          assert.deepEqual(plan.steps.flatMap((s) => dayRange(s.from, s.to)), plan.days);
          assert.ok(plan.steps.every((s) => dayRange(s.from, s.to).length <= daysPerTransaction));
          // the drivers of a built day after a rebuilt one are rebuilt too
          for (const d of plan.days) {
            const next = addDays(d, 1);
            if (builtSet.has(next)) assert.ok(rebuilt.has(next) || plan.driversOnly.includes(next));
          }
        },
      ),
    );
  });
});
