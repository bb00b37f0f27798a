import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMessage, type RejectReason } from '../../src/contracts/index.js';
import { baseMessages, DELETE, withField, type Json } from './feed-lines.js';

/**
 * Hand-made malformed messages, each a small change to a real message of the
 * live feed, with the reject reason and field a reader would expect.
 */
const { transaction: tx, currency: cu } = baseMessages();
const txDate = ((tx.payload as Json).transaction_dt as string).slice(0, 10);
const cuDate = ((cu.payload as Json).date_update as string).slice(0, 10);
const otherUuid = '11111111-2222-4333-8444-555555555555';

interface Case {
  readonly name: string;
  readonly value: Uint8Array | null | undefined;
  readonly reason: RejectReason;
  readonly field?: string;
  /** Expected eventDate; undefined means "must be absent". */
  readonly eventDate?: string;
}

const bytes = (message: unknown): Buffer => Buffer.from(JSON.stringify(message), 'utf8');
const txWith = (path: string, value: unknown): Buffer => bytes(withField(tx, path, value));
const cuWith = (path: string, value: unknown): Buffer => bytes(withField(cu, path, value));
const txText = JSON.stringify(tx);

function invalidUtf8(): Buffer {
  const valid = Buffer.from(txText, 'utf8');
  const at = valid.indexOf('"country"') + 12;
  return Buffer.concat([valid.subarray(0, at), Buffer.from([0xc3, 0x28]), valid.subarray(at)]);
}

const CASES: readonly Case[] = [
  { name: 'a null value (tombstone)', value: null, reason: 'null_value' },
  { name: 'undefined value', value: undefined, reason: 'null_value' },
  { name: 'empty bytes', value: Buffer.alloc(0), reason: 'not_json' },
  { name: 'an invalid UTF-8 sequence inside a real message', value: invalidUtf8(), reason: 'not_utf8', eventDate: txDate },
  { name: 'a lone continuation byte', value: Buffer.from([0x80]), reason: 'not_utf8' },
  { name: 'truncated JSON', value: Buffer.from(txText.slice(0, Math.floor(txText.length * 0.8))), reason: 'not_json', eventDate: txDate },
  { name: 'plain text', value: Buffer.from('hello, kafka'), reason: 'not_json' },
  { name: 'a UTF-8 byte order mark before the JSON', value: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(txText)]), reason: 'not_json', eventDate: txDate },
  { name: 'single-quoted pseudo JSON', value: Buffer.from(txText.replaceAll('"', "'")), reason: 'not_json' },
  { name: 'a JSON array holding the message', value: bytes([tx]), reason: 'not_object' },
  { name: 'a JSON string', value: bytes(txText), reason: 'not_object' },
  { name: 'JSON null', value: Buffer.from('null'), reason: 'not_object' },
  { name: 'a JSON number', value: Buffer.from('42'), reason: 'not_object' },
  { name: 'object_type missing', value: txWith('object_type', DELETE), reason: 'missing_field', field: 'object_type', eventDate: txDate },
  { name: 'object_type PAYMENT', value: txWith('object_type', 'PAYMENT'), reason: 'unknown_object_type', field: 'object_type', eventDate: txDate },
  { name: 'object_type in lower case', value: txWith('object_type', 'transaction'), reason: 'unknown_object_type', field: 'object_type', eventDate: txDate },
  { name: 'object_type a number', value: txWith('object_type', 1), reason: 'wrong_type', field: 'object_type', eventDate: txDate },
  { name: 'object_id missing', value: txWith('object_id', DELETE), reason: 'missing_field', field: 'object_id', eventDate: txDate },
  { name: 'object_id not a UUID', value: txWith('object_id', 'not-a-uuid'), reason: 'bad_uuid', field: 'object_id', eventDate: txDate },
  { name: 'object_id a UUID without dashes', value: txWith('object_id', (tx.object_id as string).replaceAll('-', '')), reason: 'bad_uuid', field: 'object_id', eventDate: txDate },
  { name: 'object_id a number', value: txWith('object_id', 123), reason: 'wrong_type', field: 'object_id', eventDate: txDate },
  { name: 'sent_dttm missing', value: txWith('sent_dttm', DELETE), reason: 'missing_field', field: 'sent_dttm', eventDate: txDate },
  { name: 'sent_dttm on Feb 30', value: txWith('sent_dttm', '2022-02-30 00:00:00'), reason: 'bad_timestamp', field: 'sent_dttm', eventDate: txDate },
  { name: 'sent_dttm in month 13', value: txWith('sent_dttm', '2022-13-01T00:00:00'), reason: 'bad_timestamp', field: 'sent_dttm', eventDate: txDate },
  { name: 'sent_dttm at hour 24', value: txWith('sent_dttm', '2022-10-01 24:00:00'), reason: 'bad_timestamp', field: 'sent_dttm', eventDate: txDate },
  { name: 'sent_dttm in a local format', value: txWith('sent_dttm', '01.10.2022 00:00'), reason: 'bad_timestamp', field: 'sent_dttm', eventDate: txDate },
  { name: 'sent_dttm as epoch seconds', value: txWith('sent_dttm', 1664582400), reason: 'wrong_type', field: 'sent_dttm', eventDate: txDate },
  { name: 'payload missing', value: txWith('payload', DELETE), reason: 'missing_field', field: 'payload', eventDate: (tx.sent_dttm as string).slice(0, 10) },
  { name: 'payload a string', value: txWith('payload', JSON.stringify(tx.payload)), reason: 'wrong_type', field: 'payload', eventDate: (tx.sent_dttm as string).slice(0, 10) },
  { name: 'payload an array', value: txWith('payload', [tx.payload]), reason: 'wrong_type', field: 'payload', eventDate: (tx.sent_dttm as string).slice(0, 10) },
  { name: 'operation_id missing', value: txWith('payload.operation_id', DELETE), reason: 'missing_field', field: 'payload.operation_id', eventDate: txDate },
  { name: 'operation_id not a UUID', value: txWith('payload.operation_id', 'op-1'), reason: 'bad_uuid', field: 'payload.operation_id', eventDate: txDate },
  { name: 'operation_id differs from object_id', value: txWith('payload.operation_id', otherUuid), reason: 'object_id_mismatch', field: 'payload.operation_id', eventDate: txDate },
  { name: 'account_number_from a string', value: txWith('payload.account_number_from', '903810'), reason: 'wrong_type', field: 'payload.account_number_from', eventDate: txDate },
  { name: 'account_number_to a fraction', value: txWith('payload.account_number_to', 1.5), reason: 'wrong_type', field: 'payload.account_number_to', eventDate: txDate },
  { name: 'currency_code missing', value: txWith('payload.currency_code', DELETE), reason: 'missing_field', field: 'payload.currency_code', eventDate: txDate },
  { name: 'country empty', value: txWith('payload.country', ''), reason: 'missing_field', field: 'payload.country', eventDate: txDate },
  { name: 'status in upper case', value: txWith('payload.status', 'DONE'), reason: 'unknown_status', field: 'payload.status', eventDate: txDate },
  { name: 'status settled', value: txWith('payload.status', 'settled'), reason: 'unknown_status', field: 'payload.status', eventDate: txDate },
  { name: 'status null', value: txWith('payload.status', null), reason: 'wrong_type', field: 'payload.status', eventDate: txDate },
  { name: 'transaction_type a number', value: txWith('payload.transaction_type', 7), reason: 'wrong_type', field: 'payload.transaction_type', eventDate: txDate },
  { name: 'amount with a fraction', value: txWith('payload.amount', 12.5), reason: 'amount_not_safe_integer', field: 'payload.amount', eventDate: txDate },
  { name: 'amount beyond 2^53', value: txWith('payload.amount', 1e20), reason: 'amount_not_safe_integer', field: 'payload.amount', eventDate: txDate },
  { name: 'amount overflowing to Infinity', value: Buffer.from(txText.replace(/"amount": ?-?\d+/, '"amount": 1e400')), reason: 'amount_not_safe_integer', field: 'payload.amount', eventDate: txDate },
  { name: 'amount a string', value: txWith('payload.amount', '1000'), reason: 'wrong_type', field: 'payload.amount', eventDate: txDate },
  { name: 'transaction_dt a date only', value: txWith('payload.transaction_dt', txDate), reason: 'bad_timestamp', field: 'payload.transaction_dt', eventDate: txDate },
  { name: 'transaction_dt on Feb 29 of a common year', value: txWith('payload.transaction_dt', '2023-02-29 10:00:00'), reason: 'bad_timestamp', field: 'payload.transaction_dt', eventDate: (tx.sent_dttm as string).slice(0, 10) },
  { name: 'transaction_dt with minute 60', value: txWith('payload.transaction_dt', '2022-10-01 10:60:00'), reason: 'bad_timestamp', field: 'payload.transaction_dt', eventDate: (tx.sent_dttm as string).slice(0, 10) },
  { name: 'date_update on day 32', value: cuWith('payload.date_update', '2022-10-32 00:00:00'), reason: 'bad_timestamp', field: 'payload.date_update', eventDate: (cu.sent_dttm as string).slice(0, 10) },
  { name: 'currency_code a fraction', value: cuWith('payload.currency_code', 420.5), reason: 'wrong_type', field: 'payload.currency_code', eventDate: cuDate },
  { name: 'currency_code_with missing', value: cuWith('payload.currency_code_with', DELETE), reason: 'missing_field', field: 'payload.currency_code_with', eventDate: cuDate },
  { name: 'rate zero', value: cuWith('payload.currency_with_div', 0), reason: 'rate_not_positive', field: 'payload.currency_with_div', eventDate: cuDate },
  { name: 'rate negative', value: cuWith('payload.currency_with_div', -1.05), reason: 'rate_not_positive', field: 'payload.currency_with_div', eventDate: cuDate },
  { name: 'rate a string', value: cuWith('payload.currency_with_div', '1.05'), reason: 'wrong_type', field: 'payload.currency_with_div', eventDate: cuDate },
  { name: 'currency object_id not a UUID', value: cuWith('object_id', 'EUR-USD-2022-10-01'), reason: 'bad_uuid', field: 'object_id', eventDate: cuDate },
];

test(`the malformed corpus (${CASES.length} messages) is rejected, each with its reason and field`, () => {
  assert.ok(CASES.length >= 30);
  for (const c of CASES) {
    const result = parseMessage(c.value);
    assert.equal(result.ok, false, `${c.name}: expected a reject`);
    if (result.ok) continue;
    assert.equal(result.reason, c.reason, `${c.name}: reason (${result.detail})`);
    assert.equal(result.field, c.field, `${c.name}: field`);
    assert.equal(result.eventDate, c.eventDate, `${c.name}: eventDate`);
    assert.ok(result.detail.length > 0, `${c.name}: a readable detail`);
  }
});

test('tolerated variations of a real message are accepted and canonicalised', () => {
  const variants: [string, Json, (r: Record<string, unknown>) => void][] = [
    ['authorisation is stored as authorization', withField(tx, 'payload.transaction_type', 'authorisation'), (r) => assert.equal(r.transactionType, 'authorization')],
    ['an unknown transaction type is kept', withField(tx, 'payload.transaction_type', 'crypto_outgoing'), (r) => assert.equal(r.transactionType, 'crypto_outgoing')],
    ['a currency outside the table is kept', withField(tx, 'payload.currency_code', 999), (r) => assert.equal(r.currencyCode, 999)],
    ['a test account (negative) is kept', withField(tx, 'payload.account_number_from', -1), (r) => assert.equal(r.accountNumberFrom, -1)],
    ['unknown extra fields are ignored', withField(tx, 'payload.channel', 'mobile'), (r) => assert.equal('channel' in r, false)],
    ['a zone Z is UTC', withField(tx, 'sent_dttm', '2022-10-01T00:08:08Z'), (r) => assert.equal(r.sentDttm, '2022-10-01 00:08:08.000000')],
    ['an offset is converted to UTC', withField(tx, 'payload.transaction_dt', '2022-10-01 01:30:00.25+03:00'), (r) => {
      assert.equal(r.transactionDt, '2022-09-30 22:30:00.250000');
      assert.equal(r.transactionDate, '2022-09-30');
    }],
    ['nanoseconds are truncated to microseconds', withField(tx, 'payload.transaction_dt', '2022-10-01 00:08:08.123456789'), (r) => assert.equal(r.transactionDt, '2022-10-01 00:08:08.123456')],
    ['Feb 29 of a leap year is a date', withField(tx, 'payload.transaction_dt', '2024-02-29 23:59:59'), (r) => assert.equal(r.transactionDate, '2024-02-29')],
  ];
  const upper = (tx.object_id as string).toUpperCase();
  variants.push(['upper-case UUIDs are lower-cased', withField(withField(tx, 'object_id', upper), 'payload.operation_id', upper), (r) => {
    assert.equal(r.objectId, upper.toLowerCase());
    assert.equal(r.operationId, upper.toLowerCase());
  }]);
  variants.push(['a date-only date_update is that date', withField(cu, 'payload.date_update', '2022-10-05'), (r) => assert.equal(r.dateUpdate, '2022-10-05')]);
  for (const [name, message, check] of variants) {
    const result = parseMessage(Buffer.from(JSON.stringify(message)));
    assert.ok(result.ok, `${name}: ${result.ok ? '' : result.detail}`);
    check(result as unknown as Record<string, unknown>);
  }
});
