import fc from 'fast-check';
import { fixtureRates } from '../marts/marts-support.js';
import { fixtureValues } from '../staging/landing-support.js';

/**
 * Message values for the pipeline fuzz: the live feed's real messages
 * (test/fixtures/live-feed/), valid again (redeliveries, conflicting versions,
 * copies on other days, rates) or broken at byte and JSON level as a hostile
 * or buggy producer breaks them. Edits are made in the feed's own spelling
 * (`"name": value`, `", "` separators), so both of STG's readers are reached:
 * the byte-level scanner for what still looks like the feed, the contract
 * parser for the rest. Whether a value is valid is never decided here: the
 * test asks the contract parser about the produced bytes.
 */

export interface Value {
  /** What kind of value it is, for failure messages. */
  readonly label: string;
  readonly value: Buffer | null;
}

const FIXTURE_BYTES: readonly Buffer[] = fixtureValues();
const FIXTURE_TEXTS: readonly string[] = FIXTURE_BYTES.map((b) => b.toString('utf8'));
const TRANSACTION_TEXTS = FIXTURE_TEXTS.filter((t) => t.includes('"object_type": "TRANSACTION"'));
const RATE_TEXTS = FIXTURE_TEXTS.filter((t) => t.includes('"object_type": "CURRENCY"'));

/** Days the generated copies and rates fall on: the feed's first days and the contract's two ends. */
const FEED_DAYS = ['2022-10-01', '2022-10-02', '2022-10-03', '2022-10-04', '2022-10-05'] as const;
const END_DAYS = ['0001-01-01', '9999-12-31'] as const;

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A `"name": value` pair of the feed's flat spelling (no field name repeats between envelope and payload). */
const pair = (field: string): RegExp => new RegExp(`"${field}": ("(?:[^"\\\\]|\\\\.)*"|\\{[^{}]*\\}|[^,}]*)`);

function withField(text: string, field: string, json: string): string {
  return text.replace(pair(field), `"${field}": ${json}`);
}

function fieldText(text: string, field: string): string {
  return pair(field).exec(text)?.[1] ?? 'null';
}

function withoutField(text: string, field: string): string {
  const match = pair(field).exec(text);
  if (!match) return text;
  const start = match.index;
  const end = start + match[0].length;
  // take the separator on one side with it
  return text.startsWith(', ', end) ? text.slice(0, start) + text.slice(end + 2) : text.slice(0, start - 2) + text.slice(end);
}

/** The field once more, before (so JSON.parse keeps the original) or after (so the duplicate wins). */
function duplicated(text: string, field: string, json: string, after: boolean): string {
  const match = pair(field).exec(text);
  if (!match) return text;
  const extra = `"${field}": ${json}`;
  const end = match.index + match[0].length;
  return after ? `${text.slice(0, end)}, ${extra}${text.slice(end)}` : `${text.slice(0, match.index)}${extra}, ${text.slice(match.index)}`;
}

/** A timestamp text of the feed (`YYYY-MM-DD[T ]HH:MM:SS`) moved by whole seconds, in the same spelling. */
function shifted(timestamp: string, seconds: number): string {
  const separator = timestamp[10] ?? 'T';
  const moved = new Date(Date.parse(`${timestamp.slice(0, 10)}T${timestamp.slice(11, 19)}Z`) + seconds * 1000).toISOString();
  return `${moved.slice(0, 10)}${separator}${moved.slice(11, 19)}`;
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** A (currency, 420) rate message in the feed's spelling. */
function rateValue(code: number, day: string, rateText: string, second = 0): Buffer {
  const sent = new Date(Date.parse(`${day}T00:00:00Z`) + second * 1000).toISOString().slice(0, 19);
  const id = uuid(1_000_000 + code * 100_000 + Number(day.replace(/-/g, '')) % 100_000);
  return utf8(
    `{"object_id": "${id}", "object_type": "CURRENCY", "sent_dttm": "${sent}", "payload": {"date_update": "${day} 00:00:00", "currency_code": ${code}, "currency_code_with": 420, "currency_with_div": ${rateText}}}`,
  );
}

/** The real (currency, 420) quotes of the rate history on the feed's first days. */
export const HISTORY_RATES: readonly { readonly code: number; readonly day: string; readonly value: Buffer }[] = fixtureRates()
  .filter((r) => r.currencyCodeWith === 420 && (FEED_DAYS as readonly string[]).includes(r.dateUpdate))
  .map((r) => ({ code: r.currencyCode, day: r.dateUpdate, value: rateValue(r.currencyCode, r.dateUpdate, String(r.rate)) }));

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const at = (value: Buffer, f: number): number => Math.floor(value.length * f);
const splice = (value: Buffer, f: number, insert: Buffer): Buffer => Buffer.concat([value.subarray(0, at(value, f)), insert, value.subarray(at(value, f))]);

const anyFixture = fc.constantFrom(...FIXTURE_BYTES);
const transaction = fc.constantFrom(...TRANSACTION_TEXTS);
/** The feed's rate messages and the (currency, 420) quotes the marts convert with. */
const rate = fc.oneof(fc.constantFrom(...RATE_TEXTS), fc.constantFrom(...HISTORY_RATES).map((r) => r.value.toString('utf8')));

/** Broken bytes: truncation, NUL, a byte order mark, invalid UTF-8 sequences, a byte changed. */
const byteLevel: fc.Arbitrary<Value> = fc.oneof(
  fc.tuple(anyFixture, fraction).map(([v, f]) => ({ label: 'truncated', value: v.subarray(0, at(v, f)) })),
  fc.tuple(anyFixture, fraction).map(([v, f]) => ({ label: 'NUL injected', value: splice(v, f, Buffer.from([0])) })),
  anyFixture.map((v) => ({ label: 'byte order mark', value: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), v]) })),
  fc
    .tuple(anyFixture, fraction, fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0x80], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]))
    .map(([v, f, bad]) => ({ label: `invalid UTF-8 ${Buffer.from(bad).toString('hex')}`, value: splice(v, f, Buffer.from(bad)) })),
  fc.tuple(anyFixture, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([v, i, b]) => {
    const copy = Buffer.from(v);
    copy[i % copy.length] = b;
    return { label: 'byte changed', value: copy };
  }),
);

/** JSON values a field may be given instead of its own: numbers past every range, other types, dates at and past the ends. */
const REPLACEMENTS: Readonly<Record<string, readonly string[]>> = {
  amount: ['1e400', '-1e400', '1e20', '12.5', '-0', '1e2', '"100"', 'null', '9007199254740993', '[1]', '0'],
  currency_code: ['2147483648', '-2147483649', '430.0', '"430"', '4.3e2', '1e400', '999'],
  account_number_to: ['-1', '"5871591"', '1e400', '0', '9007199254740991', '1e19'],
  account_number_from: ['-1', 'true', '903810.5'],
  status: ['"done"', '"chargeback"', '"DONE"', '"settled"', 'null', '1', '""'],
  transaction_type: ['"authorisation"', '"crypto_incoming"', '""', '"x\\u0000y"', JSON.stringify('é'.repeat(33)), '"\\ud800"', '"c2a_incoming"'],
  country: ['"can\\u0000ada"', JSON.stringify('x'.repeat(65)), '"\\udfff"', '"narnia"', '""', '"can\\u0061da"'],
  transaction_dt: [
    '"0001-01-01 00:00:00"', '"9999-12-31 23:59:59"', '"0000-12-31 00:00:00"', '"10000-01-01 00:00:00"', '"2022-02-30 00:00:00"',
    '"9999-12-31T23:30:00-01:00"', '"0001-01-01T00:30:00+01:00"', '"2022-10-01"', '1664582400', '"2022-10-02 10:00:00.123456789Z"',
  ],
  sent_dttm: ['"0001-01-01T00:00:00"', '"9999-12-31 23:59:59"', '"2022-10-01 24:00:00"', '"01.10.2022 00:00"', 'null', '"2022-10-01T00:00:00+03:00"'],
  object_type: ['"PAYMENT"', '"transaction"', '1', 'null', '"CURRENCY"'],
  object_id: ['"not-a-uuid"', `"${uuid(7)}"`, '42'],
  payload: ['[]', '"x"', 'null', '{}'],
  currency_with_div: ['0', '-1.05', '1e400', '1e14', '12345.678901', '"0.93"', '1.5', '1e-7'],
  date_update: ['"0001-01-01"', '"9999-12-31 00:00:00"', '"2022-10-03"', '"2022-13-01 00:00:00"', '"2022-10-01T00:00:00Z"'],
  currency_code_with: ['420', '2147483648', '"420"'],
};
const TRANSACTION_FIELDS = ['amount', 'currency_code', 'account_number_to', 'account_number_from', 'status', 'transaction_type', 'country', 'transaction_dt', 'sent_dttm', 'object_type', 'object_id', 'payload', 'operation_id'];
const RATE_FIELDS = ['currency_with_div', 'date_update', 'currency_code', 'currency_code_with', 'sent_dttm', 'object_type', 'payload'];
const replacement = (field: string): fc.Arbitrary<string> => fc.constantFrom(...(REPLACEMENTS[field] ?? ['null', '"x"']));
const fieldEdit = (message: fc.Arbitrary<string>, fields: readonly string[]): fc.Arbitrary<Value> =>
  fc.tuple(message, fc.constantFrom(...fields)).chain(([text, field]) => replacement(field).map((json) => ({ label: `${field}: ${json.slice(0, 40)}`, value: utf8(withField(text, field, json)) })));

/** JSON-level edits of real messages: other values, missing fields, duplicated keys. */
const jsonLevel: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: fieldEdit(transaction, TRANSACTION_FIELDS) },
  { weight: 2, arbitrary: fieldEdit(rate, RATE_FIELDS) },
  { weight: 1, arbitrary: fc.tuple(transaction, fc.constantFrom(...TRANSACTION_FIELDS)).map(([text, field]) => ({ label: `no ${field}`, value: utf8(withoutField(text, field)) })) },
  { weight: 1, arbitrary: fc.tuple(rate, fc.constantFrom(...RATE_FIELDS)).map(([text, field]) => ({ label: `no ${field}`, value: utf8(withoutField(text, field)) })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(transaction, fc.constantFrom('amount', 'status', 'object_type', 'transaction_dt', 'currency_code'), fc.boolean())
      .chain(([text, field, after]) => replacement(field).map((json) => ({ label: `duplicated ${field} ${after ? 'after' : 'before'}`, value: utf8(duplicated(text, field, json, after)) }))),
  },
);

/** Rates as a producer writes them: up to 4 decimals, and past STG's 6 (rounded half up there), down to the smallest positive ones. */
const RATE_TEXT: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 9_999_999 }).map((n) => (n / 10_000).toFixed(4)) },
  { weight: 1, arbitrary: fc.constantFrom('1e-7', '0.0000004', '0.0000005', '0.0000015', '0.1234565', '1.0000005', '12345.6789015') },
);

/** Valid again: redeliveries, conflicting versions, copies under new ids on other days (the contract's ends too), rates. */
const validVariant: fc.Arbitrary<Value> = fc.oneof(
  anyFixture.map((v) => ({ label: 'redelivery', value: v })),
  fc.tuple(transaction, fc.boolean()).map(([text, both]) => {
    // ids compare case-insensitively and are stored lower-cased; the byte-level scanner knows only lower case
    const upper = (field: string, t: string): string => withField(t, field, fieldText(t, field).toUpperCase());
    return { label: `upper-case ${both ? 'ids' : 'object_id'}`, value: utf8(both ? upper('operation_id', upper('object_id', text)) : upper('object_id', text)) };
  }),
  fc.tuple(transaction, fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.constantFrom(-86_400, -60, -1, 0, 1, 60, 3_600)).map(([text, amount, seconds]) => ({
    label: `version: amount ${amount}, sent ${seconds} s`,
    value: utf8(withField(withField(text, 'amount', String(amount)), 'sent_dttm', `"${shifted(JSON.parse(fieldText(text, 'sent_dttm')) as string, seconds)}"`)),
  })),
  fc
    .tuple(transaction, fc.integer({ min: 1, max: 40 }), fc.constantFrom(...FEED_DAYS, ...END_DAYS), fc.constantFrom('done', 'done', 'queued', 'chargeback'), fc.integer({ min: -5_000_000, max: 5_000_000 }))
    .map(([text, n, day, status, amount]) => {
      const id = `"${uuid(n)}"`;
      const dt = JSON.parse(fieldText(text, 'transaction_dt')) as string;
      let copy = withField(withField(text, 'object_id', id), 'operation_id', id);
      copy = withField(withField(copy, 'transaction_dt', `"${day}${dt.slice(10)}"`), 'status', `"${status}"`);
      return { label: `copy ${uuid(n)} ${status} on ${day}`, value: utf8(withField(copy, 'amount', String(amount))) };
    }),
  fc
    .tuple(fc.constantFrom(410, 430, 440, 450, 460, 470), fc.constantFrom(...FEED_DAYS, ...END_DAYS), RATE_TEXT, fc.integer({ min: 0, max: 86_399 }))
    .map(([code, day, text, second]) => ({ label: `rate ${code} on ${day}: ${text}`, value: rateValue(code, day, text, second) })),
);

const DEEP_ARRAY = utf8(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
const DEEP_OBJECT = utf8(`{"object_type": "TRANSACTION", "payload": ${'{"a": '.repeat(20_000)}1${'}'.repeat(20_000)}}`);
const TWO_MB = 2 * 1024 * 1024;

/** A real transaction padded to 2 MB with a field the contract ignores: valid, and it must reach STG. */
function twoMegabyteTransaction(): Buffer {
  const text = withField(withField(TRANSACTION_TEXTS[2]!, 'object_id', `"${uuid(2 ** 40)}"`), 'operation_id', `"${uuid(2 ** 40)}"`);
  return utf8(`${text.slice(0, -1)}, "padding": "${'x'.repeat(TWO_MB - text.length - 16)}"}`);
}

/** Values no field edit reaches: tombstones, NUL in plain text, 200,000-deep nesting, 2 MB. */
export const ODDITIES: readonly Value[] = [
  { label: 'null value', value: null },
  { label: 'empty value', value: Buffer.alloc(0) },
  { label: 'a\\x00b', value: utf8('a\u0000b') },
  { label: '1000 escaped NULs', value: utf8(`"${'\\u0000'.repeat(1000)}"`) },
  { label: '200,000-deep array', value: DEEP_ARRAY },
  { label: '20,000-deep payload', value: DEEP_OBJECT },
  { label: '2 MB valid transaction', value: twoMegabyteTransaction() },
  { label: '2 MB country', value: utf8(withField(withField(withField(TRANSACTION_TEXTS[5]!, 'object_id', `"${uuid(2 ** 41)}"`), 'operation_id', `"${uuid(2 ** 41)}"`), 'country', `"${'x'.repeat(TWO_MB)}"`)) },
  { label: 'JSON array', value: utf8(`[${FIXTURE_TEXTS[0]}]`) },
  { label: 'JSON number', value: utf8('42') },
];

export const anyValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 3, arbitrary: byteLevel },
  { weight: 4, arbitrary: jsonLevel },
  { weight: 4, arbitrary: validVariant },
  { weight: 1, arbitrary: fc.constantFrom(...ODDITIES) },
);

/** Every message of the .jsonl fixtures, exactly as the feed sent it. */
export const FIXTURE_MESSAGES = FIXTURE_BYTES;

/** A real transaction under a new id on `day`: the valid records produced between the second wave's cases. */
export function copyOn(index: number, day: string, id: number): Buffer {
  const text = TRANSACTION_TEXTS[index % TRANSACTION_TEXTS.length]!;
  const dt = JSON.parse(fieldText(text, 'transaction_dt')) as string;
  const quoted = `"${uuid(id)}"`;
  return utf8(withField(withField(withField(text, 'object_id', quoted), 'operation_id', quoted), 'transaction_dt', `"${day}${dt.slice(10)}"`));
}
