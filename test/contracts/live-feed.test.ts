import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMessage } from '../../src/contracts/index.js';
import { liveFeedValues, type Json } from './feed-lines.js';

/** Independent oracle for the canonical form of the feed's two timestamp spellings. */
function expectedCanonical(text: string): string {
  const iso = `${text.replace(' ', 'T')}Z`;
  const date = new Date(iso);
  assert.ok(!Number.isNaN(date.getTime()), `fixture timestamp ${text} parses with Date`);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${String(date.getUTCMilliseconds()).padStart(3, '0')}000`;
}

test('every message of the live feed fixtures validates (116 valid, 0 rejected)', () => {
  const values = liveFeedValues();
  const results = values.map((v) => parseMessage(v.value));
  const rejected = results.filter((r) => !r.ok);
  assert.deepEqual(rejected, []);
  assert.equal(results.length, 116);
  const transactions = results.filter((r) => r.ok && r.kind === 'TRANSACTION').length;
  const currencies = results.filter((r) => r.ok && r.kind === 'CURRENCY').length;
  const expectedTransactions = values.filter((v) => (JSON.parse(v.value.toString()) as Json).object_type === 'TRANSACTION').length;
  assert.equal(transactions, expectedTransactions);
  assert.equal(currencies, 116 - expectedTransactions);
});

test('records carry the message fields, canonicalised', () => {
  let seenSpaceFormat = false;
  let seenTFormat = false;
  for (const { value } of liveFeedValues()) {
    const message = JSON.parse(value.toString('utf8')) as Json;
    const payload = message.payload as Json;
    const sent = message.sent_dttm as string;
    if (sent.includes('T')) seenTFormat = true;
    else seenSpaceFormat = true;
    const record = parseMessage(value);
    assert.ok(record.ok);
    assert.equal(record.objectId, (message.object_id as string).toLowerCase());
    assert.equal(record.sentDttm, expectedCanonical(sent));
    if (record.kind === 'TRANSACTION') {
      assert.equal(record.operationId, payload.operation_id);
      assert.equal(record.accountNumberFrom, payload.account_number_from);
      assert.equal(record.accountNumberTo, payload.account_number_to);
      assert.equal(record.currencyCode, payload.currency_code);
      assert.equal(record.country, payload.country);
      assert.equal(record.status, payload.status);
      assert.equal(record.transactionType, payload.transaction_type);
      assert.equal(record.amount, payload.amount);
      assert.equal(record.transactionDt, expectedCanonical(payload.transaction_dt as string));
      assert.equal(record.transactionDate, (payload.transaction_dt as string).slice(0, 10));
    } else {
      assert.equal(record.dateUpdate, (payload.date_update as string).slice(0, 10));
      assert.equal(record.currencyCode, payload.currency_code);
      assert.equal(record.currencyCodeWith, payload.currency_code_with);
      assert.equal(record.currencyWithDiv, payload.currency_with_div);
    }
  }
  assert.ok(seenSpaceFormat && seenTFormat, 'the fixtures hold both sent_dttm spellings');
});
