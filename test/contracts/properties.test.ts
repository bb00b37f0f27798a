import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseMessage, REJECT_REASONS, TRANSACTION_STATUSES, type ParseResult } from '../../src/contracts/index.js';
import { baseMessages, liveFeedValues } from './feed-lines.js';

function assertRecordOrReject(result: ParseResult): void {
  assert.equal(typeof result, 'object');
  if (result.ok) {
    assert.ok(result.kind === 'TRANSACTION' || result.kind === 'CURRENCY');
  } else {
    assert.ok((REJECT_REASONS as readonly string[]).includes(result.reason), `known reason ${result.reason}`);
    assert.equal(typeof result.detail, 'string');
  }
}

test('arbitrary bytes never throw and give a record or a reject', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1024 }), (bytes) => {
      assertRecordOrReject(parseMessage(bytes));
    }),
    { numRuns: 3000 },
  );
});

test('arbitrary JSON never throws and gives a record or a reject', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assertRecordOrReject(parseMessage(Buffer.from(JSON.stringify(value) ?? 'null')));
    }),
    { numRuns: 3000 },
  );
});

test('real messages with random bytes flipped never throw', () => {
  const values = liveFeedValues().map((v) => v.value);
  fc.assert(
    fc.property(fc.constantFrom(...values), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (value, flips) => {
      const copy = Buffer.from(value);
      for (const [at, byte] of flips) copy[at % copy.length] = byte;
      assertRecordOrReject(parseMessage(copy));
    }),
    { numRuns: 3000 },
  );
});

test('a Uint8Array that is a view into a larger buffer parses the view only', () => {
  const value = liveFeedValues()[0]!.value;
  const big = new Uint8Array(value.length + 20).fill(0x7b);
  big.set(value, 10);
  const view = new Uint8Array(big.buffer, 10, value.length);
  assert.deepEqual(parseMessage(view), parseMessage(value));
});

const hex = fc.constantFrom(...'0123456789abcdefABCDEF');
const uuid = fc
  .tuple(...[8, 4, 4, 4, 12].map((n) => fc.string({ unit: hex, minLength: n, maxLength: n })))
  .map((parts) => parts.join('-'));
const moment = fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });

/** A timestamp written in one of the feed's spellings, and its canonical form from Date. */
const feedTimestamp = fc.tuple(moment, fc.constantFrom(' ', 'T'), fc.boolean()).map(([d, sep, millis]) => {
  const iso = d.toISOString();
  const text = `${iso.slice(0, 10)}${sep}${iso.slice(11, millis ? 23 : 19)}`;
  const canonical = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${millis ? iso.slice(20, 23) : '000'}000`;
  return { text, canonical };
});

test('any well-formed transaction is accepted with its values', () => {
  const base = baseMessages().transaction;
  fc.assert(
    fc.property(
      uuid, feedTimestamp, feedTimestamp,
      fc.record({
        account_number_from: fc.maxSafeInteger(), account_number_to: fc.maxSafeInteger(), currency_code: fc.integer(),
        country: fc.string({ minLength: 1 }), status: fc.constantFrom(...TRANSACTION_STATUSES),
        transaction_type: fc.string({ minLength: 1 }), amount: fc.maxSafeInteger(),
      }),
      (id, sent, dt, fields) => {
        const message = { ...base, object_id: id, sent_dttm: sent.text, payload: { ...fields, operation_id: id, transaction_dt: dt.text } };
        const result = parseMessage(Buffer.from(JSON.stringify(message)));
        assert.ok(result.ok && result.kind === 'TRANSACTION', JSON.stringify(result));
        assert.equal(result.operationId, id.toLowerCase());
        assert.equal(result.sentDttm, sent.canonical);
        assert.equal(result.transactionDt, dt.canonical);
        assert.equal(result.transactionDate, dt.canonical.slice(0, 10));
        assert.equal(result.amount, fields.amount);
        assert.equal(result.transactionType, fields.transaction_type === 'authorisation' ? 'authorization' : fields.transaction_type);
      },
    ),
    { numRuns: 1000 },
  );
});
