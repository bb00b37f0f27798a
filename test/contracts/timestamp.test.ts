import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalDateOrTimestamp, canonicalTimestamp } from '../../src/contracts/index.js';

const two = (n: number): string => String(n).padStart(2, '0');

/** Oracle: Date normalises out-of-range parts; a real timestamp survives the round trip unchanged. */
function exists(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return y >= 1 && y <= 9999 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
    && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
}

test('a timestamp is accepted exactly when its calendar date and time exist', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom(' ', 'T'),
      (y, mo, d, h, mi, s, sep) => {
        const text = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}${sep}${two(h)}:${two(mi)}:${two(s)}`;
        const expected = exists(y, mo, d, h, mi, s) ? `${text.slice(0, 10)} ${text.slice(11)}.000000` : undefined;
        assert.equal(canonicalTimestamp(text), expected, text);
      },
    ),
    { numRuns: 5000 },
  );
});

test('impossible dates and times are refused', () => {
  for (const text of ['2022-02-30 00:00:00', '2023-02-29 00:00:00', '1900-02-29 00:00:00', '2022-13-01 00:00:00', '2022-00-10 00:00:00',
    '2022-04-31T00:00:00', '2022-10-01 24:00:00', '2022-10-01 23:60:00', '2022-10-01 23:59:60', '0000-01-01 00:00:00']) {
    assert.equal(canonicalTimestamp(text), undefined, text);
  }
  assert.equal(canonicalTimestamp('2000-02-29 00:00:00'), '2000-02-29 00:00:00.000000');
});

test('malformed spellings are refused', () => {
  for (const text of ['', '2022-10-01', '2022-10-01 7:03:50', '2022-10-01  07:03:50', '2022/10/01 07:03:50', '2022-10-01 07:03:50.', '2022-10-01 07:03:50.1234567890',
    '2022-10-01 07:03:50 ', '2022-10-01 07:03:50+3', '2022-10-01 07:03:50+03:00:00', '2022-10-01 07:03:50z', '2022-10-01 07:03:50UTC', '２０２２-10-01 07:03:50', '2022-10-01x07:03:50']) {
    assert.equal(canonicalTimestamp(text), undefined, JSON.stringify(text));
  }
});

test('both sent_dttm spellings of the feed and the CSV export give the same canonical form', () => {
  assert.equal(canonicalTimestamp('2022-10-01T00:01:31'), '2022-10-01 00:01:31.000000');
  assert.equal(canonicalTimestamp('2022-10-01 07:03:50'), '2022-10-01 07:03:50.000000');
  assert.equal(canonicalTimestamp('2022-10-01 00:00:02.000'), '2022-10-01 00:00:02.000000');
  assert.equal(canonicalDateOrTimestamp('2022-10-01'), '2022-10-01 00:00:00.000000');
  assert.equal(canonicalDateOrTimestamp('2022-10-01 00:00:00'), '2022-10-01 00:00:00.000000');
  assert.equal(canonicalDateOrTimestamp('2022-02-30'), undefined);
});

test('zones convert to UTC like Date does', () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('1000-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
      (instant, offset) => {
        const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        const text = `${local}${offset === 0 ? 'Z' : `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`}`;
        const iso = instant.toISOString();
        assert.equal(canonicalTimestamp(text), `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000`, text);
      },
    ),
    { numRuns: 3000 },
  );
});
