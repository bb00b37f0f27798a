import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LIVE_FEED } from '../support/paths.js';
import { CURRENCIES, LEDGER_ACCOUNTS } from '../../src/contracts/index.js';
import { currencies, doneOn, feed, share, transactions, type Tx } from './feed-support.js';

const OPTIONS = { seed: 11, from: '2023-03-01', to: '2023-03-07', transactionsPerDay: 3000 };
const parsed = feed(OPTIONS);
const txs = transactions(parsed);

/** The 100 real transaction events of the fixtures, as plain payloads. */
const real = readFileSync(LIVE_FEED.transactions100, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { payload: Record<string, unknown> }).payload);

test('every generated message validates', () => {
  const rejected = parsed.filter((p) => !p.result.ok);
  assert.deepEqual(rejected.map((p) => p.bytes.toString()), []);
  assert.ok(txs.length > 7 * 3000 * 2, `${txs.length} transaction events`);
});

test('each day carries all 42 ordered pairs of the 7 currencies, dated that day', () => {
  const codes = CURRENCIES.map((c) => c.code);
  for (let d = 1; d <= 7; d++) {
    const date = `2023-03-0${d}`;
    const pairs = currencies(parsed).filter((c) => c.dateUpdate === date).map((c) => `${c.currencyCode}>${c.currencyCodeWith}`);
    const expected = codes.flatMap((a) => codes.filter((b) => b !== a).map((b) => `${a}>${b}`));
    assert.deepEqual([...pairs].sort(), [...expected].sort(), date);
  }
  for (const c of currencies(parsed)) assert.ok(c.currencyWithDiv > 0.5 && c.currencyWithDiv < 2, `rate ${c.currencyWithDiv}`);
});

test('operations follow their lifecycle: queued, in_progress, then done or blocked, chargebacks after done', () => {
  const byOperation = new Map<string, Tx[]>();
  for (const t of txs) byOperation.set(t.operationId, [...(byOperation.get(t.operationId) ?? []), t]);
  let chargebacks = 0;
  let blocked = 0;
  let complete = 0;
  for (const [id, events] of byOperation) {
    const statuses = events.map((e) => e.status);
    const order = ['queued', 'in_progress', statuses[2], 'chargeback'];
    assert.deepEqual(statuses, order.slice(0, statuses.length), `${id}: ${statuses.join(',')}`);
    if (statuses.length >= 3) {
      complete++;
      assert.ok(statuses[2] === 'done' || statuses[2] === 'blocked');
      if (statuses[2] === 'blocked') blocked++;
    }
    if (statuses[3] === 'chargeback') chargebacks++;
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.transactionDt > events[i - 1]!.transactionDt, `${id} in time order`);
    const first = events[0]!;
    for (const e of events) {
      assert.equal(e.amount, first.amount);
      assert.equal(e.accountNumberTo, first.accountNumberTo);
      assert.equal(e.sentDttm, e.transactionDt, 'sent when it happens, as in the live feed');
    }
  }
  assert.ok(blocked > 0 && blocked < complete * 0.15, `blocked ${blocked} of ${complete}`);
  assert.ok(chargebacks > 0 && chargebacks < complete * 0.1, `chargebacks ${chargebacks} of ${complete}`);
});

test('the mix of types, currencies, signs and ledger accounts is the live feed\'s', () => {
  const queued = txs.filter((t) => t.status === 'queued');
  for (const type of new Set(real.map((p) => p.transaction_type as string))) {
    const expected = share(real, (p) => p.transaction_type === type);
    const got = share(queued, (t) => t.transactionType === type);
    assert.ok(Math.abs(got - expected) < 0.05, `${type}: ${got.toFixed(3)} vs fixture ${expected.toFixed(2)}`);
  }
  for (const code of new Set(real.map((p) => p.currency_code as number))) {
    const expected = share(real, (p) => p.currency_code === code);
    const got = share(queued, (t) => t.currencyCode === code);
    assert.ok(Math.abs(got - expected) < 0.06, `${code}: ${got.toFixed(3)} vs fixture ${expected.toFixed(2)}`);
  }
  for (const t of queued) {
    const debit = t.transactionType === 'authorization' || t.transactionType.endsWith('_outgoing');
    assert.equal(t.amount < 0, debit, `${t.transactionType} sign`);
    assert.equal(t.country, CURRENCIES.find((c) => c.code === t.currencyCode)!.country);
  }
  assert.ok(share(queued, (t) => LEDGER_ACCOUNTS.includes(t.accountNumberFrom)) > 0.9, 'ledger accounts on the from side');
  assert.ok(share(queued, (t) => t.accountNumberFrom === 903810) > share(queued, (t) => t.accountNumberFrom === 914810));
  const testShare = share(queued, (t) => t.accountNumberFrom < 0);
  assert.ok(testShare > 0.005 && testShare < 0.1, `test accounts ${testShare}`);
  assert.ok(queued.every((t) => t.accountNumberTo < 0 || (t.accountNumberTo >= 100_000 && t.accountNumberTo <= 9_999_999)));
});

test('customers come back: more counted transactions than accounts each day, and across days', () => {
  const seenBefore = new Set<number>();
  for (let d = 1; d <= 7; d++) {
    const done = doneOn(parsed, `2023-03-0${d}`);
    const accounts = new Set(done.map((t) => t.accountNumberTo));
    const perAccount = done.length / accounts.size;
    assert.ok(perAccount > 1.1 && perAccount < 3, `day ${d}: ${perAccount.toFixed(2)} per account`);
    if (d > 1) assert.ok([...accounts].filter((a) => seenBefore.has(a)).length > accounts.size * 0.3, `day ${d}: returning customers`);
    for (const a of accounts) seenBefore.add(a);
  }
});

test('the same seed gives the same bytes; another seed does not', () => {
  const again = feed(OPTIONS);
  assert.equal(again.length, parsed.length);
  assert.ok(again.every((p, i) => p.bytes.equals(parsed[i]!.bytes)));
  const other = feed({ ...OPTIONS, seed: 12, to: '2023-03-01' });
  const sameDay = parsed.filter((p) => p.message.day === '2023-03-01');
  assert.notDeepEqual(other.slice(50, 60).map((p) => p.bytes.toString()), sameDay.slice(50, 60).map((p) => p.bytes.toString()));
});

test('a day is the same whatever range it is generated in', () => {
  const alone = feed({ ...OPTIONS, from: '2023-03-04', to: '2023-03-04' });
  const inRange = (p: (typeof parsed)[number]) => p.message.day === '2023-03-04';
  const rates = (list: typeof parsed) => currencies(list.filter(inRange)).map((c) => JSON.stringify(c));
  assert.deepEqual(rates(alone), rates(parsed));
  const started = (list: typeof parsed) => transactions(list.filter(inRange)).filter((t) => t.status === 'queued').map((t) => JSON.stringify(t));
  assert.deepEqual(started(alone), started(parsed));
});

test('messages come in time order, and their days are their event dates', () => {
  for (let i = 1; i < parsed.length; i++) assert.ok(parsed[i]!.message.emitAt >= parsed[i - 1]!.message.emitAt, `message ${i}`);
  for (const p of parsed) {
    if (!p.result.ok) continue;
    assert.equal(p.message.day, p.result.kind === 'TRANSACTION' ? p.result.transactionDate : p.result.dateUpdate);
    assert.equal(p.message.key, p.result.objectId);
  }
});
