import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseMessage } from '../../src/contracts/index.js';
import { planTransactions } from '../../src/staging/chunk-planner.js';
import { encodedPlan, parseEncoded } from '../../src/staging/encoded-chunk.js';
import { parseLanded } from '../../src/staging/landed-parser.js';
import type { LandedChunk } from '../../src/landing/index.js';
import { TRANSACTION_COLUMNS, transactionValues } from '../../src/staging/stg-columns.js';
import { ScannedTransaction, scanTransaction } from '../../src/staging/transaction-scanner.js';
import type { TransactionRow } from '../../src/staging/types.js';
import { transactionKey } from '../../src/staging/types.js';
import { copyBinary } from '../../src/db/copy-binary/index.js';
import { fixtureValues } from './landing-support.js';

/**
 * The parse worker's PostgreSQL path (byte-level scanner, tuples encoded as
 * they are read, fold over version numbers) against the reference path (the
 * contract parser, row objects, `planTransactions`, the generic COPY
 * encoder): on any chunk of any bytes, both must plan the same rows, keys,
 * conflicts, days, counts and rejects.
 */

type Json = Record<string, any>;
const TOPIC = 'transaction-service-input';
const TYPES = TRANSACTION_COLUMNS.map((c) => c.type);

/** Landed records as the landing read sends them: COPY BINARY of (key, value, kafka_timestamp, offset). */
function landed(values: readonly (Buffer | null)[], partition = 0, firstOffset = 0): LandedChunk {
  const rows = values.map((value, i) => [null, value, new Date(Date.UTC(2022, 9, 1, 0, 0, i)), firstOffset + i]);
  const { data } = copyBinary(['bytea', 'bytea', 'timestamptz', 'int8'], rows);
  return { topic: TOPIC, incarnation: 0, partition, data, firstOffset, lastOffset: firstOffset + values.length - 1 };
}

/** The tuples of a COPY BINARY stream, as hex strings. */
function tuples(data: Uint8Array): string[] {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: string[] = [];
  let at = 19;
  for (;;) {
    const fields = b.readInt16BE(at);
    if (fields === -1) return out;
    const start = at;
    at += 2;
    for (let i = 0; i < fields; i++) at += 4 + Math.max(0, b.readInt32BE(at));
    out.push(b.toString('hex', start, at));
  }
}

const tupleOf = (row: TransactionRow): string => tuples(copyBinary(TYPES, [transactionValues(row)]).data)[0]!;
const sorted = <T>(items: readonly T[]): T[] => [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** Everything a plan decides, in a comparable form. */
function reference(chunk: LandedChunk, stored: readonly TransactionRow[]) {
  const parsed = parseLanded({ ...chunk, data: Buffer.from(chunk.data) }, { loseOneRecord: false });
  const plan = planTransactions(parsed.transactions, new Map(stored.map((r) => [transactionKey(r), r])));
  const replacedKeys = new Set(plan.replaced.map(transactionKey));
  return {
    read: parsed.read,
    rejects: parsed.rejects.map((r) => [r.offset, r.reason, r.field, r.eventDate]),
    currencies: parsed.currencies,
    counts: plan.counts,
    writes: sorted(plan.writes.map(tupleOf)),
    replaced: sorted(plan.replaced.map((r) => [r.operationId, r.status])),
    winners: sorted(plan.writes.filter((w) => replacedKeys.has(transactionKey(w))).map((w) => [w.operationId, w.status, w.transactionDate, w.partition, w.offset])),
    conflicts: sorted(plan.conflicts),
    days: sorted(plan.touchedDays),
  };
}

/** The worker's plan; stored rows handed over as objects, or as the tuples a binary lookup returns (encoded as PostgreSQL sends them). */
function encoded(chunk: LandedChunk, stored: readonly TransactionRow[], storedAs: 'rows' | 'encoded' = 'rows') {
  const parsed = parseEncoded({ ...chunk, data: Buffer.from(chunk.data) }, { loseOneRecord: false });
  const plan = encodedPlan(parsed, storedAs === 'rows' ? { rows: stored } : { encoded: copyBinary(TYPES, stored.map(transactionValues)).data });
  const write = plan.writes as { encoded: Uint8Array };
  const replaced = plan.replaced as { encoded: Uint8Array };
  return {
    read: parsed.read,
    rejects: parsed.rejects.map((r) => [r.offset, r.reason, r.field, r.eventDate]),
    currencies: parsed.currencies,
    counts: plan.counts,
    writes: sorted(tuples(write.encoded)),
    replaced: sorted(tuples(replaced.encoded).map((hex) => keyOfTuple(hex))),
    winners: sorted(plan.replacedWinners.map((w) => [w.operationId, w.status, w.transactionDate, w.partition, w.offset])),
    conflicts: sorted(plan.conflicts),
    days: sorted(plan.touchedDays),
  };
}

/** (operation_id, status) of a key tuple. */
function keyOfTuple(hex: string): [string, string] {
  const b = Buffer.from(hex, 'hex');
  const id = b.toString('hex', 6, 22);
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  const length = b.readInt32BE(22);
  return [uuid, b.toString('utf8', 26, 26 + length)];
}

function assertSamePlan(values: readonly (Buffer | null)[], stored: readonly TransactionRow[] = [], partition = 0): void {
  const chunk = landed(values, partition);
  const expected = reference(chunk, stored);
  assert.deepStrictEqual(encoded(chunk, stored), expected, values.map((v) => v?.toString('latin1')).join('\n'));
  if (stored.length > 0) assert.deepStrictEqual(encoded(chunk, stored, 'encoded'), expected, 'stored rows as tuples');
}

const scannerAccepts = (text: string): boolean => {
  const bytes = Buffer.from(text, 'utf8');
  return scanTransaction(bytes, 0, bytes.length, new ScannedTransaction());
};

const messages = fixtureValues().map((v) => JSON.parse(v.toString('utf8')) as Json);
const transactions = messages.filter((m) => m.object_type === 'TRANSACTION');
const base = transactions[0]!;
const variant = (change: (m: Json) => void): string => {
  const m = structuredClone(base);
  change(m);
  return JSON.stringify(m);
};

describe('parse worker path (scanner + encoded fold) against the contract parser and row fold', () => {
  it('recognises the live feed transactions and plans them exactly as the reference path', () => {
    const values = fixtureValues();
    const recognised = values.filter((v) => scannerAccepts(v.toString('utf8'))).length;
    assert.equal(recognised, transactions.length, 'every live-feed transaction takes the fast path');
    assertSamePlan(values);
    assertSamePlan([...values, ...values.slice(3, 30)]); // redeliveries within a chunk
  });

  it('agrees on hand-picked edges, and takes the fast path exactly where it should', () => {
    const cases: [string, boolean][] = [
      [JSON.stringify(base), true],
      [JSON.stringify(base, null, 2), true],
      [` \n${JSON.stringify(base)}\t\r\n`, true],
      [variant((m) => (m.sent_dttm = '2022-10-01 00:00:00.1')), true],
      [variant((m) => (m.sent_dttm = '2022-10-01T00:00:00.123456789')), true],
      [variant((m) => (m.sent_dttm = '2022-10-01T00:00:00.1234567891')), false],
      [variant((m) => (m.sent_dttm = '2022-10-01T00:00:00Z')), false],
      [variant((m) => (m.sent_dttm = '2024-02-29 23:59:59')), true],
      [variant((m) => (m.sent_dttm = '2023-02-29 00:00:00')), false],
      [variant((m) => (m.payload.transaction_dt = '1899-12-31 23:59:59')), false],
      [variant((m) => (m.payload.transaction_dt = '2199-12-31 23:59:59.999999')), true],
      [variant((m) => (m.payload.transaction_dt = '2200-01-01 00:00:00')), false],
      [variant((m) => (m.payload.transaction_dt = '2022-10-01')), false],
      [variant((m) => (m.payload.amount = -0)), true],
      [JSON.stringify(base).replace(/"amount":(-?\d+)/, '"amount":-0'), true],
      [JSON.stringify(base).replace(/"amount":(-?\d+)/, '"amount":$1.0'), false],
      [JSON.stringify(base).replace(/"amount":(-?\d+)/, '"amount":1e3'), false],
      [variant((m) => (m.payload.amount = 999_999_999_999_999)), true],
      [variant((m) => (m.payload.amount = 9_999_999_999_999_999)), false],
      [variant((m) => (m.payload.currency_code = 2 ** 31)), false],
      [variant((m) => (m.payload.currency_code = -(2 ** 31))), true],
      [variant((m) => (m.payload.transaction_type = 'authorisation')), true],
      [variant((m) => (m.payload.transaction_type = 'brand_new_type')), true],
      [variant((m) => (m.payload.country = '')), false],
      [variant((m) => (m.payload.country = 'türkiye')), false],
      [variant((m) => (m.payload.status = 'refunded')), false],
      [variant((m) => (m.object_id = String(m.object_id).toUpperCase())), false],
      [variant((m) => (m.payload.operation_id = '11111111-2222-4333-8444-555555555555')), false],
      [variant((m) => (m.extra = 1)), false],
      [variant((m) => (m.payload.extra = 'x')), false],
      [variant((m) => delete m.payload.amount), false],
      [variant((m) => (m.object_type = 'CURRENCY')), false],
      [JSON.stringify({ payload: base.payload, sent_dttm: base.sent_dttm, object_type: base.object_type, object_id: base.object_id }), true],
      [JSON.stringify(base).replace('"country":"', '"country":"\\u0041'), false],
      [JSON.stringify(base).replace('"status":', '"status":"done","status":'), false],
      [`${JSON.stringify(base)}x`, false],
      [JSON.stringify(base).slice(0, -1), false],
    ];
    for (const [text, fast] of cases) {
      assert.equal(scannerAccepts(text), fast, text);
      assertSamePlan([Buffer.from(text, 'utf8')]);
      if (fast) assert.equal(parseMessage(Buffer.from(text)).ok, true, text);
    }
    // a message cut short inside a larger buffer: the scanner never reads past its end
    const whole = Buffer.from(JSON.stringify(base));
    const cut = Buffer.concat([whole.subarray(0, whole.length - 2), Buffer.from('}}')]);
    assert.equal(scanTransaction(cut, 0, whole.length - 2, new ScannedTransaction()), false);
  });

  it('agrees on arbitrary mutations of real messages, with redeliveries, conflicts and stored rows', () => {
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', String(base.object_id)];
    const message = fc.record({
      source: fc.integer({ min: 0, max: transactions.length - 1 }),
      id: fc.constantFrom(...ids),
      status: fc.constantFrom('queued', 'in_progress', 'done', 'done', 'chargeback'),
      sent: fc.constantFrom('2022-10-01T00:00:00', '2022-10-01 00:00:00', '2022-10-01 00:00:00.5', '2022-10-02 12:00:00', '2022-09-30T23:59:59.999999'),
      amount: fc.oneof(fc.constantFrom(100, -100, 0), fc.integer()),
      spaced: fc.boolean(),
      mutation: fc.option(fc.tuple(fc.nat(), fc.constantFrom(' ', '"', '\\', '1', 'e', '.', '{', '}', ',', ':', '-', 'é', '\u0000')), { freq: 4 }),
    });
    const chunkOf = fc.array(message, { minLength: 1, maxLength: 12 });
    const toBytes = (m: { source: number; id: string; status: string; sent: string; amount: number; spaced: boolean; mutation: [number, string] | null }): Buffer => {
      const json = structuredClone(transactions[m.source]!);
      json.object_id = m.id;
      json.payload.operation_id = m.id;
      json.payload.status = m.status;
      json.sent_dttm = m.sent;
      json.payload.amount = m.amount;
      let text = m.spaced ? JSON.stringify(json, null, 1) : JSON.stringify(json);
      if (m.mutation) {
        const at = m.mutation[0] % text.length;
        text = text.slice(0, at) + m.mutation[1] + text.slice(at + 1);
      }
      return Buffer.from(text, 'utf8');
    };
    fc.assert(
      fc.property(chunkOf, chunkOf, fc.integer({ min: 0, max: 2 }), (earlier, now, partition) => {
        // rows stored by an earlier chunk (of another partition): what a lookup would return
        const stored = planTransactions(parseLanded(landed(earlier.map(toBytes), 1, 1000), { loseOneRecord: false }).transactions).writes;
        assertSamePlan(now.map(toBytes), stored, partition);
      }),
      { numRuns: 3000 },
    );
  });
});
