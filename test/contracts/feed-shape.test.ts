import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readFeedShape } from '../../src/contracts/feed-shape.js';
import { liveFeedValues } from './feed-lines.js';

/** The shortcut must give exactly JSON.parse's value, or nothing. */
function assertAgrees(text: string): boolean {
  const shortcut = readFeedShape(text);
  if (shortcut === undefined) return false;
  let parsed: unknown;
  assert.doesNotThrow(() => (parsed = JSON.parse(text)), text);
  assert.deepStrictEqual(shortcut, parsed, text);
  return true;
}

const lines = liveFeedValues().map((v) => v.value.toString('utf8'));

test('every message of the live feed takes the shortcut, with JSON.parse\'s value', () => {
  for (const line of lines) assert.ok(assertAgrees(line), line);
});

test('edited messages either take the shortcut with JSON.parse\'s value or fall back', () => {
  const alphabet = fc.constantFrom(...'"\\{}[],: -+.0123456789eE\u0000\u001f\tabcTRANSACTIONCURRENCYé€\u2028');
  let matched = 0;
  fc.assert(
    fc.property(fc.constantFrom(...lines), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: alphabet, maxLength: 4 })), { minLength: 1, maxLength: 3 }), (line, edits) => {
      let text = line;
      for (const [at, remove, insert] of edits) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + insert + text.slice(i + remove);
      }
      if (assertAgrees(text)) matched++;
    }),
    { numRuns: 20000 },
  );
  assert.ok(matched > 500, `edits that keep the shape were tried too (${matched})`);
});

test('any field values written in the feed\'s spelling read back as JSON.parse reads them', () => {
  const text = fc.string({ unit: 'binary', maxLength: 30 });
  const integer = fc.oneof(fc.integer(), fc.constantFrom(0, -0, 2 ** 53, 2 ** 70, -(2 ** 60)));
  const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e-300, 1e300, 0.1, 5e-324));
  fc.assert(
    fc.property(text, text, text, fc.tuple(integer, integer, integer, integer), text, text, text, fc.boolean(), number, (id, sent, dt, [from, to, code, amount], country, status, type, swap, rate) => {
      const j = JSON.stringify;
      const envelope = (kind: string) => (swap ? `"sent_dttm": ${j(sent)}, "object_type": "${kind}"` : `"object_type": "${kind}", "sent_dttm": ${j(sent)}`);
      assertAgrees(`{"object_id": ${j(id)}, ${envelope('TRANSACTION')}, "payload": {"operation_id": ${j(id)}, "account_number_from": ${j(from)}, "account_number_to": ${j(to)}, "currency_code": ${j(code)}, "country": ${j(country)}, "status": ${j(status)}, "transaction_type": ${j(type)}, "amount": ${j(amount)}, "transaction_dt": ${j(dt)}}}`);
      assertAgrees(`{"object_id": ${j(id)}, ${envelope('CURRENCY')}, "payload": {"date_update": ${j(dt)}, "currency_code": ${j(code)}, "currency_code_with": ${j(to)}, "currency_with_div": ${j(rate)}}}`);
      // the same with a number spelled in other JSON ways
      assertAgrees(`{"object_id": ${j(id)}, ${envelope('CURRENCY')}, "payload": {"date_update": ${j(dt)}, "currency_code": 1, "currency_code_with": 2, "currency_with_div": ${rate.toExponential()}}}`);
    }),
    { numRuns: 5000 },
  );
});
