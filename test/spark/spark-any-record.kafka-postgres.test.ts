import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { landedCount, migrateLanding, waitFor, withClient } from '../ingest/ingest-harness.js';
import { liveFeedTemplates } from '../ingest/feed.js';
import { useStack, type TestStack } from '../support/stack.js';
import { createAnyTimestampTopic, LONG_MAX, RawProducer, type RawRecord } from '../support/raw-producer.js';
import { HEADERS_AS_HEX_PAIRS, SparkIngestProcess } from './spark-harness.js';

/**
 * Issue 16 for `--engine spark`: whatever a producer writes byte by byte —
 * header names with NUL, repeated, named like object properties, invalid
 * UTF-8, hundreds of them, null values; null/empty/binary keys and values;
 * any int64 timestamp the broker accepts — lands in raw.kafka_messages
 * exactly, and the job keeps going. Spark's Kafka source cannot hand some
 * timestamps over (it overflows past ±2^63 µs and rebases instants before the
 * Gregorian cut-over): the job reads those records again on the driver, and
 * the test checks that exactly those went that way.
 */
describe('turnover ingest --engine spark lands any record (real Spark, Kafka, PostgreSQL)', () => {
  let t: TestStack;
  let raw: RawProducer;
  before(async () => {
    t = await useStack();
    raw = new RawProducer(t.kafka);
  });
  after(async () => {
    raw?.close();
    await t?.release();
  });

  it('hostile headers, keys, values and timestamps at both ends land byte-exact; the job keeps going', async (ctx) => {
    const topic = await createAnyTimestampTopic(t.kafka, `spark_any_${process.pid}_${Date.now().toString(36)}`, 2);
    const { stagingUrl } = await t.freshDatabases('spark_any');
    await migrateLanding(stagingUrl);
    const sent = new Map<number, RawRecord[]>([[0, hostileRecords()], [1, feedRecords(40, Date.now() - 60_000)]]);
    // partition 1: a record Spark cannot read between feed records, in the middle of a micro-batch
    sent.get(1)!.splice(17, 0, { key: 'p1-overflow', value: 'x', headers: HOSTILE_HEADERS, timestamp: LONG_MAX - 1n });
    for (const [partition, records] of sent) await raw.produce(topic, partition, records);
    const total = (): number => [...sent.values()].reduce((n, r) => n + r.length, 0);

    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'any-record' };
    // small micro-batches: the records Spark cannot read sit at the start, middle and end of batches
    const spark = new SparkIngestProcess(env, ['--conf', 'spark.turnover.maxRecordsPerBatch=9']);
    try {
      await waitFor('the hostile records to land', async () => (await landedCount(stagingUrl, topic)) >= total(), 300_000);
      // the job is still running and takes what comes next, Spark-unreadable records included
      const more: RawRecord[] = [...feedRecords(5, Date.now()), { key: null, value: null, timestamp: -(LONG_MAX + 1n) }, ...feedRecords(3, Date.now())];
      await raw.produce(topic, 0, more);
      sent.get(0)!.push(...more);
      await waitFor('the records produced after them to land', async () => (await landedCount(stagingUrl, topic)) >= total(), 180_000);
      assert.equal(spark.child.exitCode, null, `the job exited: ${spark.stderr.slice(-2000)}`);
    } finally {
      assert.equal((await spark.terminate()).code, 0, spark.stderr.slice(-3000));
    }

    const landed = await landedRows(stagingUrl, topic);
    assert.equal(landed.length, total());
    for (const [partition, records] of sent) {
      records.forEach((record, offset) => {
        const row = landed.find((r) => r.partition === partition && r.offset === offset);
        assert.ok(row, `${partition}/${offset} landed`);
        assertLandedExactly(row, record, `${partition}/${offset}`);
      });
    }
    // the instants PostgreSQL prints, for a few (an independent reading of the same columns)
    const shown = (ms: bigint | number): string | null | undefined => landed.find((r) => r.partition === 0 && r.timestamp_ms === String(ms))?.shown;
    assert.equal(shown(-62_135_596_800_000), '0001-01-01 00:00:00');
    assert.equal(shown(-210_866_803_200_000), '4714-11-24 00:00:00 BC');
    assert.equal(shown(Date.UTC(1500, 2, 10)), '1500-03-10 00:00:00');
    assert.equal(shown(Date.UTC(1500, 2, 11)), '1500-03-11 00:00:00');
    assert.equal(shown(9_224_318_015_999_999n), '294276-12-31 23:59:59.999');
    assert.equal(shown(LONG_MAX - 1n), null);

    // exactly the records Spark's source cannot hand over were read again on the driver, no others
    const readOnDriver = spark.logs.filter((l) => l.msg?.startsWith('read ') && Array.isArray(l.records)).flatMap((l) => l.records as string[]);
    const expectedOnDriver = [...sent].flatMap(([p, records]) => records.flatMap((r, o) => (sparkCannotKeep(r.timestamp) ? [`${p}/${o}`] : [])));
    assert.deepEqual([...readOnDriver].sort(), [...expectedOnDriver].sort());
    ctx.diagnostic(`${readOnDriver.length} of ${total()} records read on the driver`);
    // nothing quarantined, nothing retried
    assert.equal(await withClient(stagingUrl, async (c) => Number((await c.query('select count(*) as n from raw.landing_rejects')).rows[0].n)), 0);
    assert.deepEqual(spark.logs.filter((l) => l.level === 40).map((l) => l.msg), []);
  });
});

/** Spark 4.2.0's Kafka source: ms × 1000 must fit an int64, and instants before 1582-10-17 (cut-over plus the job's margin) are rebased. */
function sparkCannotKeep(ms: bigint): boolean {
  return ms > 9_223_372_036_854_775n || ms < -12_219_120_000_000n;
}

const JAVA_DECODED_NAMES = new Map([
  // what the Java client's UTF-8 decoder makes of invalid names (docs/spark.md): one U+FFFD per malformed sequence, Java's way
  ['66ff6f', '66efbfbd6f'],
  ['c080', 'efbfbdefbfbd'],
  ['eda080', 'efbfbd'],
]);

/** A header as a hostile producer writes it: any name bytes, a value or null. */
type Header = readonly [name: string | Buffer, value: string | Buffer | null];

const HOSTILE_HEADERS: readonly Header[] = [
  ['constructor', 'c'],
  ['__proto__', Buffer.from([0])],
  ['toString', null],
  ['hasOwnProperty', Buffer.alloc(0)],
  [Buffer.from('a\0b'), Buffer.from([0xff, 0x00, 0xfe])],
  ['dup', '1'],
  ['dup', null],
  ['dup', '3'],
  ['', 'empty name'],
  ['ключ 🔑', 'значение'],
  [Buffer.from([0x66, 0xff, 0x6f]), 'a name that is not UTF-8'],
  [Buffer.from([0xc0, 0x80]), null],
  [Buffer.from([0xed, 0xa0, 0x80]), 'x'],
];

const MANY_HEADERS: readonly Header[] = Array.from({ length: 400 }, (_, i): Header => [`h${i % 7}`, i % 11 === 0 ? null : randomBytes(i % 40)]);

function feedRecords(count: number, timestamp: number): RawRecord[] {
  const templates = liveFeedTemplates();
  return Array.from({ length: count }, (_, i) => ({ key: `feed-${i}`, value: templates[i % templates.length]!, timestamp: BigInt(timestamp + i) }));
}

/** Partition 0: every kind of record at once, feed records between them. */
function hostileRecords(): RawRecord[] {
  const now = Date.now();
  const timestamps: (number | bigint)[] = [
    0, -1, 1, -900_000_000_000_000,
    -62_135_596_800_000, // 0001-01-01
    Date.UTC(1500, 2, 10), Date.UTC(1500, 2, 11), // Julian 1500-02-29 and 03-01: one day in Spark's rebased timestamp
    -12_219_292_800_001, -12_219_292_800_000, // the last Julian instant, the cut-over
    -12_219_120_000_001, -12_219_120_000_000, // either side of the job's margin
    -210_866_803_200_000, -210_866_803_200_001, // timestamptz's first instant, and before it
    9_223_372_036_854_775n, 9_223_372_036_854_776n, // Spark's last instant, and past it
    9_224_318_015_999_999n, 9_224_318_016_000_000n, // timestamptz's last instant, and past it
    LONG_MAX - 1n, LONG_MAX, -LONG_MAX - 1n,
  ];
  const keys: (string | Buffer | null)[] = [null, Buffer.alloc(0), Buffer.from([0, 0xff, 0x80, 0x00]), 'k'];
  const values: (string | Buffer | null)[] = [null, Buffer.alloc(0), Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]), 'a\0b', liveFeedTemplates()[3]!];
  const records: RawRecord[] = timestamps.map((timestamp, i) => ({
    key: keys[i % keys.length]!,
    value: values[i % values.length]!,
    headers: i % 3 === 0 ? HOSTILE_HEADERS : i % 3 === 1 ? MANY_HEADERS : undefined,
    timestamp: BigInt(timestamp),
  }));
  // the same header sets through Spark SQL's encoding (plain timestamps), and a 1 MB value
  records.splice(3, 0, { key: 'sql-hostile', value: 'v', headers: HOSTILE_HEADERS, timestamp: BigInt(now) });
  records.splice(8, 0, { key: 'sql-many', value: randomBytes(1024 * 1024), headers: MANY_HEADERS, timestamp: BigInt(now + 1) });
  records.splice(12, 0, ...feedRecords(4, now + 2));
  return [...feedRecords(3, now - 10), ...records, ...feedRecords(3, now + 10)];
}

interface LandedRow {
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** [name hex, value hex | null] per header, in order; null = no headers. */
  readonly headers: [string, string | null][] | null;
  readonly shape: string | null;
  readonly timestamp_ms: string;
  readonly timestamp_as_ms: string | null;
  readonly shown: string | null;
}

async function landedRows(url: string, topic: string): Promise<LandedRow[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `select partition, "offset"::int as offset, key, value,
              ${HEADERS_AS_HEX_PAIRS} as headers,
              array_ndims(headers) || ':' || array_lower(headers, 1) || ':' || array_length(headers, 2) || ':' || array_lower(headers, 2) as shape,
              kafka_timestamp_ms::text as timestamp_ms,
              ((extract(epoch from kafka_timestamp) * 1000)::numeric(40, 0))::text as timestamp_as_ms,
              (kafka_timestamp at time zone 'UTC')::text as shown
       from raw.kafka_messages where topic = $1 order by partition, "offset"`,
      [topic],
    );
    return rows as LandedRow[];
  });
}

const bytes = (v: string | Buffer | null | undefined): Buffer | null => (v === null || v === undefined ? null : Buffer.from(v));

/** A name as Spark and the Java client hand it over: valid UTF-8 unchanged, otherwise Java's decoding. */
function landedName(name: string | Buffer): string {
  const hex = Buffer.from(name).toString('hex');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(name));
    return hex;
  } catch {
    const decoded = JAVA_DECODED_NAMES.get(hex);
    assert.ok(decoded, `no expectation for the invalid name ${hex}`);
    return decoded;
  }
}

function assertLandedExactly(row: LandedRow, record: RawRecord, where: string): void {
  assert.deepEqual(row.key, bytes(record.key), `key of ${where}`);
  assert.deepEqual(row.value, bytes(record.value), `value of ${where}`);
  const headers = record.headers?.length ? record.headers.map(([n, v]): [string, string | null] => [landedName(n!), v === null ? null : Buffer.from(v).toString('hex')]) : null;
  assert.deepEqual(row.headers, headers, `headers of ${where}`);
  assert.equal(row.shape, headers ? '2:1:2:1' : null, `headers of ${where} as bytea[n][2] from 1`);
  const ms = record.timestamp;
  assert.equal(row.timestamp_ms, String(ms), `kafka_timestamp_ms of ${where}`);
  // timestamptz holds 4714-11-24 BC up to (not including) 294277-01-01
  const inRange = ms >= -210_866_803_200_000n && ms < 9_224_318_016_000_000n;
  assert.equal(row.timestamp_as_ms, inRange ? String(ms) : null, `kafka_timestamp of ${where}`);
}
