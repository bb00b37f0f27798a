import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMessage } from '../../src/contracts/index.js';
import { FeedSummary, generateFeed, parseScenario } from '../../src/generator/index.js';
import { currencies, doneOn, feed, rateOf, transactions, type Parsed } from './feed-support.js';

/**
 * Each scenario against the baseline of the same seed: the generator draws
 * scenario effects from their own random streams, so everything a scenario
 * does not touch must stay byte for byte the same.
 */
const BASE = { seed: 5, from: '2023-03-03', to: '2023-03-07', transactionsPerDay: 2000 };
const DAY = '2023-03-05';
const baseline = feed(BASE);

const onDay = (parsed: readonly Parsed[], test: (day: string) => boolean) => parsed.filter((p) => test(p.message.day)).map((p) => p.bytes.toString('latin1'));
const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

test('fx-shock moves the currency\'s USD rate by exactly +10% on that day only', () => {
  const shocked = feed({ ...BASE, scenarios: [`fx-shock:440:+10%@${DAY}`] });
  const before = rateOf(baseline, DAY, 440, 420)!;
  assert.equal(rateOf(shocked, DAY, 440, 420), round6(before * 1.1));
  assert.ok(Math.abs(rateOf(shocked, DAY, 420, 440)! - round6(rateOf(baseline, DAY, 420, 440)! / 1.1)) < 0.006, 'the inverse pair moves the other way');
  for (const other of [410, 430, 450, 460, 470]) assert.equal(rateOf(shocked, DAY, other, 420), rateOf(baseline, DAY, other, 420), `${other} untouched`);
  assert.deepEqual(onDay(shocked, (d) => d !== DAY), onDay(baseline, (d) => d !== DAY), 'other days identical');
  assert.deepEqual(transactions(shocked), transactions(baseline), 'no transaction changes');
});

test('missing-rates removes every pair of the currency for N days, and nothing else', () => {
  const missing = feed({ ...BASE, scenarios: ['missing-rates:440@2023-03-04+2d'] });
  for (const date of ['2023-03-04', '2023-03-05']) {
    const rates = currencies(missing).filter((c) => c.dateUpdate === date);
    assert.equal(rates.length, 30, `${date}: 42 pairs minus the 12 that involve 440`);
    assert.ok(rates.every((c) => c.currencyCode !== 440 && c.currencyCodeWith !== 440));
  }
  for (const date of ['2023-03-03', '2023-03-06']) assert.equal(currencies(missing).filter((c) => c.dateUpdate === date).length, 42);
  assert.deepEqual(transactions(missing), transactions(baseline));
});

test('accounts-surge raises distinct accounts that day; earlier days are untouched', () => {
  const surged = feed({ ...BASE, scenarios: [`accounts-surge:+50%@${DAY}`] });
  const accounts = (parsed: readonly Parsed[]) => new Set(doneOn(parsed, DAY).map((t) => t.accountNumberTo)).size;
  const baseDone = doneOn(baseline, DAY).length;
  assert.ok(accounts(surged) >= accounts(baseline) + baseDone * 0.5 * 0.8, `${accounts(surged)} vs ${accounts(baseline)}`);
  assert.deepEqual(onDay(surged, (d) => d < DAY), onDay(baseline, (d) => d < DAY));
  const surgedSet = new Set(onDay(surged, (d) => d === DAY));
  assert.ok(onDay(baseline, (d) => d === DAY).every((m) => surgedSet.has(m)), 'the regular operations are still there');
});

test('frequency +40% adds transactions by the same customers: accounts stay, transactions per account rise', () => {
  const busier = feed({ ...BASE, scenarios: [`frequency:+40%@${DAY}`] });
  const done = doneOn(busier, DAY);
  const baseDone = doneOn(baseline, DAY);
  const accounts = new Set(done.map((t) => t.accountNumberTo)).size;
  const baseAccounts = new Set(baseDone.map((t) => t.accountNumberTo)).size;
  assert.ok(done.length > baseDone.length * 1.3, `${done.length} vs ${baseDone.length}`);
  assert.ok(accounts <= baseAccounts * 1.05, `${accounts} accounts vs ${baseAccounts}`);
});

test('frequency -30% thins repeat operations: transactions fall, accounts stay', () => {
  const thinner = feed({ ...BASE, scenarios: [`frequency:-30%@${DAY}`] });
  const started = (parsed: readonly Parsed[]) => transactions(parsed).filter((t) => t.status === 'queued' && t.transactionDate === DAY);
  const accounts = (list: ReturnType<typeof started>) => new Set(list.filter((t) => t.accountNumberTo > 0).map((t) => t.accountNumberTo)).size;
  assert.ok(started(thinner).length < started(baseline).length * 0.95, `${started(thinner).length} vs ${started(baseline).length}`);
  assert.ok(accounts(started(thinner)) >= accounts(started(baseline)) * 0.99, 'first operations of each customer are kept');
});

test('ticket-size scales the amounts of operations started that day, exactly', () => {
  const bigger = feed({ ...BASE, scenarios: [`ticket-size:+25%@${DAY}`] });
  const started = (parsed: readonly Parsed[]) => new Map(transactions(parsed).filter((t) => t.status === 'queued').map((t) => [t.operationId, t]));
  const before = started(baseline);
  const after = started(bigger);
  assert.equal(after.size, before.size);
  let scaled = 0;
  for (const [id, t] of after) {
    const base = before.get(id)!;
    if (t.transactionDate === DAY) {
      assert.equal(t.amount, Math.round(base.amount * 1.25), id);
      scaled++;
    } else {
      assert.equal(t.amount, base.amount, id);
    }
  }
  assert.ok(scaled > 1000);
});

function generated(scenarios: string[]) {
  const summary = new FeedSummary();
  const messages = [...generateFeed({ ...BASE, scenarios: scenarios.map(parseScenario) })];
  for (const m of messages) summary.add(m);
  return { messages, summary };
}

test('poison is rejected exactly as counted, each message with the reason it was made for', () => {
  const { messages, summary } = generated([`poison:26@${DAY}`, 'poison:1%@2023-03-06']);
  const counts: Record<string, number> = {};
  let poison = 0;
  for (const m of messages) {
    const result = parseMessage(typeof m.value === 'string' ? Buffer.from(m.value) : m.value);
    if (m.kind === 'POISON') {
      poison++;
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.reason, m.expectedReject, m.value.toString());
        counts[result.reason] = (counts[result.reason] ?? 0) + 1;
      }
    } else {
      assert.ok(result.ok, m.value.toString());
    }
  }
  assert.deepEqual(counts, summary.poisonByReason);
  const onPoisonDay = messages.filter((m) => m.kind === 'POISON' && m.day === DAY).length;
  assert.equal(onPoisonDay, 26);
  assert.ok(poison > 26 + 30, `share-based poison on the next day too: ${poison}`);
  assert.ok(Object.keys(counts).length >= 12, 'every kind of poison');
});

test('redeliveries are exact copies; corrections keep the key and change the payload; late events keep their time', () => {
  const { messages, summary } = generated([`redeliveries:5%@${DAY}`, `corrections:3%@${DAY}`, `late:10%:1d@${DAY}`]);
  const earlier = new Map<string, Buffer[]>();
  let copies = 0;
  let corrections = 0;
  let late = 0;
  for (const m of messages) {
    const bytes = typeof m.value === 'string' ? Buffer.from(m.value) : m.value;
    const result = parseMessage(bytes);
    assert.ok(result.ok);
    const key = m.key!;
    if (m.origin === 'redelivery') {
      assert.ok((earlier.get(key) ?? []).some((b) => b.equals(bytes)), 'a byte-exact copy of an earlier message');
      copies++;
    } else if (m.origin === 'correction') {
      const before = (earlier.get(key) ?? []).map((b) => parseMessage(b)).filter((r) => r.ok);
      if (result.kind === 'TRANSACTION') {
        const original = before.find((r) => r.kind === 'TRANSACTION' && r.status === result.status);
        assert.ok(original && original.kind === 'TRANSACTION');
        assert.notEqual(original.amount, result.amount);
        assert.equal(original.transactionDt, result.transactionDt);
        assert.ok(result.sentDttm > original.sentDttm);
      } else {
        const original = before.find((r) => r.kind === 'CURRENCY');
        assert.ok(original && original.kind === 'CURRENCY');
        assert.notEqual(original.currencyWithDiv, result.currencyWithDiv);
      }
      corrections++;
    } else if (m.origin === 'late') {
      assert.ok(result.kind === 'TRANSACTION');
      assert.equal(result.transactionDate, DAY);
      assert.equal(result.sentDttm.slice(0, 10), '2023-03-06', 'sent a day later');
      late++;
    }
    earlier.set(key, [...(earlier.get(key) ?? []), bytes]);
  }
  assert.equal(copies, summary.byOrigin.redelivery);
  assert.equal(corrections, summary.byOrigin.correction);
  assert.equal(late, summary.byOrigin.late);
  const dayMessages = messages.filter((m) => m.day === DAY && m.origin === 'event').length;
  assert.ok(copies > dayMessages * 0.03 && copies < dayMessages * 0.07, `${copies} copies of ${dayMessages}`);
  assert.ok(late > 0 && corrections > 0);
});
