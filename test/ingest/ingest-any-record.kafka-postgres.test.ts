import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { useStack, type TestStack } from '../support/stack.js';
import { rawBatch, type Bytes, type RawRecord } from '../kafka/raw-batch.js';
import { createTopic, LONG_MAX, RawProducer } from '../support/raw-producer.js';
import { liveFeedTemplates } from './feed.js';
import { freePort, groupOffsets, IngesterProcess, metric, migrateLanding, waitFor, withClient } from './ingest-harness.js';

/**
 * Issue 16: anything a topic can carry lands byte-exact and no record stalls
 * the ingester. Records are produced by a raw client (test/kafka/raw-batch.ts),
 * so header names kafkajs cannot send (object-prototype names, NUL, invalid
 * UTF-8) and timestamps at both ends of int64 really reach the broker.
 */

/** timestamptz's range in ms since 1970 (4714-11-24 BC … 294277-01-01 exclusive). */
const TZ_MIN_MS = -210_866_803_200_000n;
const TZ_END_MS = 9_224_318_016_000_000n;
const feed = liveFeedTemplates();
const feedRecord = (i: number): RawRecord => ({ key: null, value: feed[i % feed.length]!, timestamp: BigInt(Date.now() - 1_000 + i) });

/** Header sets and keys/values a hostile producer can send: every one must land exactly. */
function hostileRecords(): RawRecord[] {
  const now = BigInt(Date.now());
  const h = (name: Bytes, value: Bytes): [Bytes, Bytes] => [name, value];
  return [
    { key: 'proto', value: '{}', timestamp: now, headers: [h('constructor', 'c'), h('__proto__', 'p'), h('toString', 't'), h('hasOwnProperty', 'o')] },
    { key: Buffer.from([0x00]), value: Buffer.from([0xff, 0x00, 0xfe]), timestamp: now, headers: [h('a\u0000b', 'nul in the name'), h(Buffer.from([0xff, 0xfe, 0xc3, 0x28]), 'invalid utf-8 name')] },
    { key: null, value: null, timestamp: now, headers: [h('dup', '1'), h('other', null), h('dup', '2'), h('dup', null), h('', 'empty name')] },
    { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: now, headers: Array.from({ length: 300 }, (_, i) => h(i % 2 ? 'same' : `n${i}`, i % 7 ? Buffer.from([i & 0xff, 0x00]) : null)) },
    { key: 'no-headers', value: 'x', timestamp: now },
  ];
}

/** Timestamps a broker accepts when the topic allows any future: both ends, and the edges of timestamptz's range. */
function timestampRecords(): RawRecord[] {
  return [0n, -1n, -900_000_000_000_000n, LONG_MAX - 1n, TZ_MIN_MS, TZ_MIN_MS - 1n, TZ_END_MS - 1n, TZ_END_MS, 253_402_300_799_999n].map((timestamp, i) => ({
    key: `ts-${i}`,
    value: `timestamp ${timestamp}`,
    timestamp,
  }));
}

interface LandedRow {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: (Buffer | null)[][] | null;
  ms: string;
  tzMs: string | null;
}

async function landedRows(url: string, topic: string): Promise<LandedRow[]> {
  return withClient(url, async (c) =>
    (
      await c.query(
        `select "offset", key, value, headers, kafka_timestamp_ms::text as ms,
                ((extract(epoch from kafka_timestamp) * 1000)::bigint)::text as tz_ms
         from raw.kafka_messages where topic = $1 order by "offset"`,
        [topic],
      )
    ).rows.map((r) => ({ offset: Number(r.offset), key: r.key, value: r.value, headers: r.headers, ms: r.ms, tzMs: r.tz_ms })),
  );
}

const asBuffer = (b: Bytes): Buffer | null => (b === null ? null : Buffer.from(b));

/** Every byte of key, value, header names and values, and the exact ms; kafka_timestamp null exactly when out of range. */
function assertLandedExactly(rows: readonly LandedRow[], sent: readonly RawRecord[], firstOffset = 0): void {
  assert.equal(rows.length, sent.length, 'one row per record');
  sent.forEach((r, i) => {
    const row = rows[i]!;
    const where = `offset ${firstOffset + i}`;
    assert.equal(row.offset, firstOffset + i, where);
    assert.deepEqual(row.key, asBuffer(r.key), `${where}: key`);
    assert.deepEqual(row.value, asBuffer(r.value), `${where}: value`);
    const headers = r.headers && r.headers.length > 0 ? r.headers.map(([k, v]) => [asBuffer(k), asBuffer(v)]) : null;
    assert.deepEqual(row.headers, headers, `${where}: headers`);
    assert.equal(row.ms, String(r.timestamp), `${where}: kafka_timestamp_ms`);
    const inRange = r.timestamp >= TZ_MIN_MS && r.timestamp < TZ_END_MS;
    assert.equal(row.tzMs, inRange ? String(r.timestamp) : null, `${where}: kafka_timestamp`);
  });
}

describe('turnover ingest lands anything a topic can carry (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  let kafka: Kafka;
  let raw: RawProducer;
  before(async () => {
    t = await useStack();
    kafka = new Kafka({ brokers: [...t.kafka.brokers], clientId: 'any-record-test', logLevel: logLevel.NOTHING });
    raw = new RawProducer(t.kafka);
  });
  after(async () => {
    raw?.close();
    await t?.release();
  });

  const topicWith = (label: string, configs: Record<string, string>): Promise<string> => createTopic(t.kafka, `${label}_${process.pid}_${Date.now().toString(36)}`, 1, configs);

  async function ingestAll(label: string, topic: string, count: number, sent: () => Promise<void>): Promise<{ stagingUrl: string; port: number; ingester: IngesterProcess }> {
    const { stagingUrl } = await t.freshDatabases(label);
    await migrateLanding(stagingUrl);
    const port = await freePort();
    const ingester = new IngesterProcess({ ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: label }, ['--metrics-port', String(port)]);
    await sent();
    await waitFor(`${count} records to land`, async () => ((await groupOffsets(stagingUrl, label, topic)).get(0) ?? 0) >= count, 120_000, ingester);
    return { stagingUrl, port, ingester };
  }

  it('object-prototype, NUL and invalid UTF-8 header names, repeated names, null values, 300 headers, odd keys and int64 timestamps land byte-exact; the ingester keeps going', async () => {
    const topic = await topicWith('any_record', { 'message.timestamp.after.max.ms': String(LONG_MAX) });
    const before = Array.from({ length: 20 }, (_, i) => feedRecord(i));
    const hostile = hostileRecords();
    const times = timestampRecords();
    // one batch whose timestamps span int64 (a delta no double holds exactly)
    const mixed: RawRecord[] = [{ key: 'lo', value: 'lo', timestamp: 0n }, { key: 'hi', value: 'hi', timestamp: LONG_MAX - 1n }, { key: 'neg', value: 'neg', timestamp: -5n }];
    const afterwards = Array.from({ length: 20 }, (_, i) => feedRecord(100 + i));
    const sent = [...before, ...hostile, ...times, ...mixed, ...afterwards];
    const { stagingUrl, port, ingester } = await ingestAll('any_record', topic, sent.length, async () => {
      for (const batch of [before, hostile, times.slice(0, 4), times.slice(4), mixed]) await raw.send(topic, 0, rawBatch(batch));
      // one record per batch as well: a batch of one hostile record is where a crash would show first
      for (const r of afterwards) await raw.send(topic, 0, rawBatch([r]));
    });
    try {
      assertLandedExactly(await landedRows(stagingUrl, topic), sent);
      assert.equal(await metric(port, 'turnover_ingest_records_total'), sent.length);
      assert.equal(await metric(port, 'turnover_ingest_conflicts_total'), 0);
      assert.equal(await metric(port, 'turnover_ingest_primary_key_hits_total'), 0);
      const rejects = await withClient(stagingUrl, async (c) => Number((await c.query('select count(*) as n from raw.landing_rejects')).rows[0].n));
      assert.equal(rejects, 0, 'nothing needed quarantine');
      // still going: a record produced now lands too
      await raw.send(topic, 0, rawBatch([feedRecord(999)]));
      await waitFor('the record after the hostile ones', async () => ((await groupOffsets(stagingUrl, 'any_record', topic)).get(0) ?? 0) === sent.length + 1, 60_000, ingester);
      assert.equal((await ingester.kill('SIGTERM')).code, 0, ingester.stderr);
    } finally {
      await ingester.kill('SIGKILL');
    }
    assert.doesNotMatch(ingester.stderr, /TypeError|RangeError|crash/i);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`a topic the broker stores as ${codec} lands byte-exact`, async () => {
      // the broker recompresses every batch to the topic's codec: these are real broker-written batches
      const topic = await topicWith(`any_${codec}`, { 'compression.type': codec, 'message.timestamp.after.max.ms': String(LONG_MAX) });
      // a recompressing broker decodes header names as Java strings and refuses negative timestamps (its record
      // builder does): header names valid UTF-8 and timestamps from 0 up here
      const sent = [
        ...Array.from({ length: 300 }, (_, i) => feedRecord(i)),
        ...hostileRecords().filter((r) => !(r.headers ?? []).some(([name]) => Buffer.isBuffer(name) && !Buffer.from(name.toString('utf8')).equals(name))),
        ...timestampRecords().filter((r) => r.timestamp >= 0n),
      ];
      const { stagingUrl, ingester } = await ingestAll(`any_${codec}`, topic, sent.length, async () => {
        await raw.send(topic, 0, rawBatch(sent.slice(0, 150)));
        await raw.send(topic, 0, rawBatch(sent.slice(150)));
      });
      try {
        assertLandedExactly(await landedRows(stagingUrl, topic), sent);
        assert.equal((await ingester.kill('SIGTERM')).code, 0, ingester.stderr);
      } finally {
        await ingester.kill('SIGKILL');
      }
    });
  }

  it('read_committed: records of an aborted transaction never land, committed ones do, and the offsets move past the markers', async () => {
    const topic = await topicWith('any_tx', {});
    const producer = kafka.producer({ transactionalId: `tx-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const { stagingUrl, ingester } = await ingestAll('any_tx', topic, 0, async () => undefined);
    try {
      await producer.send({ topic, messages: [{ value: 'plain-before' }] });
      let tx = await producer.transaction();
      await tx.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await tx.abort();
      tx = await producer.transaction();
      await tx.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
      await tx.commit();
      await producer.send({ topic, messages: [{ value: 'plain-after' }] });
      const end = Number((await (async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          return (await admin.fetchTopicOffsets(topic))[0]!.high;
        } finally {
          await admin.disconnect();
        }
      })()));
      // 1 plain + 2 aborted + abort marker + 2 committed + commit marker + 1 plain
      assert.equal(end, 8);
      await waitFor('the offsets to reach the end of the log', async () => (await groupOffsets(stagingUrl, 'any_tx', topic)).get(0) === end, 60_000, ingester);
      const values = await withClient(stagingUrl, async (c) => (await c.query('select value from raw.kafka_messages order by "offset"')).rows.map((r) => r.value.toString()));
      assert.deepEqual(values, ['plain-before', 'committed-1', 'committed-2', 'plain-after']);
      assert.equal((await ingester.kill('SIGTERM')).code, 0, ingester.stderr);
    } finally {
      await producer.disconnect();
      await ingester.kill('SIGKILL');
    }
  });
});
