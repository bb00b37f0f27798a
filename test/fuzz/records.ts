import fc from 'fast-check';
import { LONG_MAX } from '../support/raw-producer.js';
import { anyValue, copyOn, FIXTURE_MESSAGES, HISTORY_RATES, ODDITIES } from './values.js';

/**
 * The records of one pipeline fuzz run: generated hostile records (header
 * sets, keys, timestamps, values) produced between valid records of the real
 * fixtures, in two waves (the second arrives after the first was loaded and
 * its marts built: late data, redeliveries and new versions of loaded keys).
 */

export type Engine = 'node' | 'spark';
export type Header = readonly [name: Buffer, value: Buffer | null];

export interface FuzzRecord {
  readonly label: string;
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly Header[];
  readonly timestamp: bigint;
}

export const PARTITIONS = 2;
const LONG_MIN = -LONG_MAX - 1n;
/** The last Kafka timestamp (ms) Spark's Kafka source can turn into its µs timestamp (docs/spark.md). */
const SPARK_LAST_MS = 9_223_372_036_854_775n;

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const bytes = (maxLength: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b));

const headerName: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '', 'dup').map(utf8),
  fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([a, b]) => utf8(`${a}\u0000${b}`)),
  bytes(12), // mostly not UTF-8
  fc.string({ unit: 'grapheme', maxLength: 10 }).map(utf8),
);
const header: fc.Arbitrary<Header> = fc.tuple(headerName, fc.option(bytes(32), { nil: null, freq: 4 }));
const headers: fc.Arbitrary<readonly Header[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant([]) },
  { weight: 3, arbitrary: fc.array(header, { minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(header, { minLength: 200, maxLength: 400 }) },
);

const key: fc.Arbitrary<Buffer | null> = fc.oneof(fc.constant(null), fc.constant(Buffer.alloc(0)), bytes(40), fc.uuid().map(utf8));

/** Instants at the ends: Kafka's int64, timestamptz's range, the contract's years, the Gregorian cut-over, Spark's µs overflow. */
const ENDS: readonly bigint[] = [
  0n, -1n, 1n, -900_000_000_000_000n, LONG_MAX - 1n, LONG_MAX, LONG_MIN,
  -62_135_596_800_000n, -62_135_596_800_001n, 253_402_300_799_999n, 253_402_300_800_000n,
  -210_866_803_200_000n, -210_866_803_200_001n, 9_224_318_015_999_999n, 9_224_318_016_000_000n,
  -12_219_292_800_000n, SPARK_LAST_MS, SPARK_LAST_MS + 1n,
];
/** "Now" for generated timestamps: fixed, so that a seed replays the same records (the topic keeps records of any age). */
const NOW_MS = 1_796_000_000_000n;
const sparkCanRead = (ms: bigint): boolean => ms >= -SPARK_LAST_MS && ms <= SPARK_LAST_MS;

/**
 * Any int64 for the Node engine. For Spark the generated timestamps stay
 * within what its source can turn into microseconds: a record beyond that
 * costs the job one Spark job of its own (docs/spark.md), so each run carries
 * exactly one, among the records every run has (`alwaysProduced`).
 */
function timestamp(engine: Engine): fc.Arbitrary<bigint> {
  const recent = fc.integer({ min: -30 * 86_400_000, max: 86_400_000 }).map((ms) => NOW_MS + BigInt(ms));
  const ends = engine === 'node' ? ENDS : ENDS.filter(sparkCanRead);
  const any = engine === 'node' ? fc.bigInt({ min: LONG_MIN, max: LONG_MAX }) : fc.bigInt({ min: -SPARK_LAST_MS, max: SPARK_LAST_MS });
  return fc.oneof({ weight: 4, arbitrary: recent }, { weight: 3, arbitrary: fc.constantFrom(...ends) }, { weight: 1, arbitrary: any });
}

/** A record as fast-check prints a counterexample: what it is and its sizes, not megabytes of bytes. */
function summary(r: FuzzRecord): string {
  const size = (b: Buffer | null): string => (b === null ? 'null' : `${b.length} B ${b.subarray(0, 24).toString('hex')}${b.length > 24 ? '…' : ''}`);
  const names = r.headers.length <= 4 ? ` (names ${r.headers.map(([n]) => n.toString('hex')).join(', ')})` : '';
  return `{${r.label} | partition ${r.partition} | key ${size(r.key)} | value ${size(r.value)} | ${r.headers.length} headers${names} | timestamp ${r.timestamp}}`;
}

const hostile = (engine: Engine): fc.Arbitrary<FuzzRecord> =>
  fc.record({ value: anyValue, partition: fc.nat({ max: PARTITIONS - 1 }), key, headers, timestamp: timestamp(engine) }).map(({ value, ...rest }) => {
    const record: FuzzRecord = { ...rest, label: value.label, value: value.value };
    return Object.assign(record, { [fc.toStringMethod]: () => summary(record) });
  });

/** What fast-check generates for one run: the two waves' hostile records and which real rates the feed carries. */
export interface Drawn {
  readonly first: readonly FuzzRecord[];
  readonly second: readonly FuzzRecord[];
  /** Indexes into HISTORY_RATES: the (currency, 420) quotes produced (the others are missing: stale and missing rates). */
  readonly rates: readonly number[];
  /** `load-stg --chunk-size`: small chunks split versions of a key over chunks (the stored-keys lookup path). */
  readonly chunkSize: number;
  /** `build-marts --days-per-transaction`. */
  readonly daysPerTransaction: number;
}

/** Most hostile records drawn for each wave of one run. */
export interface WaveSizes {
  readonly first: number;
  readonly second: number;
}

export function drawn(engine: Engine, sizes: WaveSizes): fc.Arbitrary<Drawn> {
  return fc.record({
    // records shrink only by leaving records out: each shrinking attempt is a whole pipeline run
    first: fc.array(fc.noShrink(hostile(engine)), { maxLength: sizes.first, size: 'max' }),
    second: fc.array(fc.noShrink(hostile(engine)), { maxLength: sizes.second, size: 'max' }),
    rates: fc.noShrink(fc.subarray(HISTORY_RATES.map((_, i) => i), { minLength: Math.floor(HISTORY_RATES.length / 2) })),
    chunkSize: fc.noShrink(fc.oneof(fc.integer({ min: 5, max: 60 }), fc.constant(20_000))),
    daysPerTransaction: fc.noShrink(fc.integer({ min: 1, max: 3 })),
  });
}

/** The records every run carries whatever was drawn: the heaviest values and the worst header sets and timestamps, once each. */
function alwaysProduced(): FuzzRecord[] {
  const prototypeNames: Header[] = ['constructor', '__proto__', 'toString', 'hasOwnProperty'].map((n) => [utf8(n), utf8(n)]);
  const odd = (label: string): Buffer | null => ODDITIES.find((o) => o.label === label)!.value;
  return [
    { label: 'object-prototype header names', partition: 0, key: null, value: odd('a\\x00b'), headers: prototypeNames, timestamp: NOW_MS },
    { label: 'NUL and invalid UTF-8 header names, null values', partition: 1, key: Buffer.from([0, 0xff]), value: odd('200,000-deep array'), headers: [[utf8('a\u0000b'), null], [Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.alloc(0)], [utf8('dup'), utf8('1')], [utf8('dup'), null]], timestamp: 0n },
    { label: '300 headers', partition: 0, key: Buffer.alloc(0), value: odd('2 MB valid transaction'), headers: Array.from({ length: 300 }, (_, i): Header => [utf8(i % 3 ? 'same' : `h${i}`), i % 5 ? Buffer.from([i & 0xff, 0]) : null]), timestamp: -1n },
    { label: 'timestamp Long.MAX_VALUE - 1', partition: 1, key: utf8('late'), value: FIXTURE_MESSAGES[7]!, headers: [], timestamp: LONG_MAX - 1n },
  ];
}

/** `cases` spread evenly between `valid` records, in order. */
function interleave(valid: readonly FuzzRecord[], cases: readonly FuzzRecord[]): FuzzRecord[] {
  const out: FuzzRecord[] = [];
  let next = 0;
  valid.forEach((record, i) => {
    out.push(record);
    const due = Math.floor(((i + 1) * cases.length) / valid.length);
    while (next < due) out.push(cases[next++]!);
  });
  while (next < cases.length) out.push(cases[next++]!);
  return out;
}

const validRecord = (label: string, value: Buffer, i: number): FuzzRecord => ({ label, partition: i % PARTITIONS, key: i % 3 ? utf8(`feed-${i}`) : null, value, headers: [], timestamp: NOW_MS - 60_000n + BigInt(i) });

/**
 * The two waves in production order. Wave 1: every message of the .jsonl
 * fixtures and the drawn real rates, with the always-produced and the drawn
 * hostile records between them. Wave 2: real transactions copied onto the
 * next day, with the second drawn list between them.
 */
export function waves(d: Drawn): [FuzzRecord[], FuzzRecord[]] {
  const base = [...FIXTURE_MESSAGES.map((v, i) => validRecord('fixture message', v, i)), ...d.rates.map((r, i) => validRecord('fixture rate', HISTORY_RATES[r]!.value, i))];
  const next = Array.from({ length: 10 }, (_, i) => validRecord('fixture copy on 2022-10-06', copyOn(i, '2022-10-06', 5_000 + i), i));
  return [interleave(base, [...alwaysProduced(), ...d.first]), interleave(next, d.second)];
}

