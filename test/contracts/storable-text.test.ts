import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays, clampedDay, dayRange, FIRST_DAY, isDay, LAST_DAY, shiftDay } from '../../src/contracts/days.js';
import { parseMessage } from '../../src/contracts/index.js';
import { MAX_DETAIL_LENGTH, storableText } from '../../src/contracts/storable-text.js';

const SEED = 16;

/** What PostgreSQL text, UTF-8 and a one-line log all hold: no control character, no lone surrogate. */
function storable(text: string): boolean {
  return !/[\u0000-\u001f\u007f-\u009f]/.test(text) && Buffer.from(text, 'utf8').toString('utf8') === text;
}

describe('storableText: every reject detail can be stored and read', () => {
  it('escapes controls and lone surrogates, keeps everything else, and bounds the length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udfff', '\n', '\u0085', 'a', '\ud83d\ude00'), maxLength: 40 }), (any, edgy) => {
        for (const text of [any, edgy, any + edgy]) {
          const out = storableText(text);
          assert.ok(storable(out), JSON.stringify(out));
          assert.ok(out.length <= MAX_DETAIL_LENGTH);
          assert.ok(Buffer.byteLength(out, 'utf8') <= 4000, 'inside Vertica varchar(4000)');
          if (text.length <= MAX_DETAIL_LENGTH && storable(text)) assert.equal(out, text, 'storable text is kept as it is');
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
    assert.equal(storableText('a\u0000b\ud800c'), 'a\\u0000b\\ud800c');
    assert.equal(storableText('\ud83d\ude00'), '\ud83d\ude00', 'a pair is text');
  });

  it('every reject of the parser carries a storable detail, whatever the bytes (NUL in text, BOM, lone surrogate escapes, huge input)', () => {
    const values = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text, 'utf8')),
      fc.constantFrom(Buffer.from('a\u0000b'), Buffer.from('\ufeff{}'), Buffer.from('"\\ud800"'), Buffer.from(`${'x'.repeat(100_000)}\u0000`), Buffer.from('{"object_type": "\\u0000"}')),
    );
    fc.assert(
      fc.property(values, (value) => {
        const result = parseMessage(value);
        if (!result.ok) assert.ok(storable(result.detail) && result.detail.length <= MAX_DETAIL_LENGTH, JSON.stringify(result.detail));
      }),
      { seed: SEED, numRuns: 3000 },
    );
    const nul = parseMessage(Buffer.from('a\u0000b'));
    assert.ok(!nul.ok && nul.reason === 'not_json' && nul.detail.includes('\\u0000'));
  });
});

describe('days of years 0001-9999', () => {
  it('never steps outside: undefined past either end, clamps, throws where the caller said it cannot happen', () => {
    assert.equal(shiftDay(FIRST_DAY, -1), undefined);
    assert.equal(shiftDay(LAST_DAY, 1), undefined);
    assert.equal(shiftDay('0001-01-02', -1), FIRST_DAY);
    assert.equal(shiftDay('9999-12-30', 1), LAST_DAY);
    assert.equal(clampedDay(FIRST_DAY, -368), FIRST_DAY);
    assert.equal(clampedDay('9999-12-28', 8), LAST_DAY);
    assert.throws(() => addDays(LAST_DAY, 1), RangeError);
    assert.deepEqual(dayRange('9999-12-30', LAST_DAY), ['9999-12-30', LAST_DAY]);
    assert.deepEqual(dayRange(FIRST_DAY, '0001-01-02'), [FIRST_DAY, '0001-01-02']);
    for (const bad of ['0000-12-31', '10000-01-01', '+010000-01-01', '2022-02-30', '2022-1-01', '']) assert.equal(isDay(bad), false, bad);
    for (const good of [FIRST_DAY, LAST_DAY, '2024-02-29']) assert.equal(isDay(good), true, good);
  });

  it('agrees with Date inside the range, for any day and step', () => {
    const day = fc.integer({ min: Date.parse(`${FIRST_DAY}T00:00:00Z`) / 86_400_000, max: Date.parse(`${LAST_DAY}T00:00:00Z`) / 86_400_000 });
    fc.assert(
      fc.property(day, fc.integer({ min: -5000, max: 5000 }), (n, step) => {
        const text = new Date(n * 86_400_000).toISOString().slice(0, 10);
        const shifted = shiftDay(text, step);
        const expected = new Date((n + step) * 86_400_000).toISOString().slice(0, 10);
        if (isDay(expected)) assert.equal(shifted, expected);
        else assert.equal(shifted, undefined);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
