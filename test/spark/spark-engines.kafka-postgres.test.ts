import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProducer, type ProducedMessage } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { expectedSummary, IngesterProcess, landedCount, landedSummary, migrateLanding, total, waitFor, withClient } from '../ingest/ingest-harness.js';
import { LIVE_FEED } from '../support/paths.js';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from '../ingest/feed.js';
import { groupMembers, HEADERS_AS_HEX_PAIRS, listeningAddresses, SparkIngestProcess } from './spark-harness.js';

/**
 * The two engines write one landing contract: the same records land as the
 * same rows, and the engines take turns on one topic and one group (even at
 * the same time) without loss or duplicates.
 */
describe('Spark and Node engines on one landing contract (real Spark, Kafka, PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('the live-feed fixtures, with keys, headers, a tombstone and an empty value, land identically through both engines', async () => {
    const topic = await t.freshTopic('spark_fixtures', 3);
    const messages = fixtureMessages();
    const producer = createProducer(t.kafka, silentLogger());
    try {
      for (const m of messages) await producer.send(topic, [m]);
    } finally {
      await producer.close();
    }
    const node = await t.freshDatabases('fixtures_node');
    const spark = await t.freshDatabases('fixtures_spark');
    for (const db of [node, spark]) await migrateLanding(db.stagingUrl);
    const env = (url: string) => ({ ...t.env, TURNOVER_LANDING_URL: url, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'fixtures' });

    const nodeIngester = new IngesterProcess(env(node.stagingUrl));
    const sparkIngester = new SparkIngestProcess(env(spark.stagingUrl));
    try {
      await waitFor('the node engine to land the fixtures', async () => (await landedCount(node.stagingUrl, topic)) >= messages.length);
      await waitFor('the spark engine to land the fixtures', async () => (await landedCount(spark.stagingUrl, topic)) >= messages.length, 180_000);
      // local mode binds every port of the driver to the loopback (PLATFORM.md: else Spark takes the other interface)
      const listening = groupMembers(sparkIngester.child.pid!).flatMap((pid) => listeningAddresses(pid));
      assert.ok(listening.length > 0, 'the Spark driver listens (block manager, RPC)');
      for (const address of listening) assert.match(address, /^(127\.|::ffff:127\.|::1:)/, `listening on ${address}`);
    } finally {
      assert.equal((await nodeIngester.kill('SIGTERM')).code, 0, nodeIngester.stderr);
      assert.equal((await sparkIngester.terminate()).code, 0, sparkIngester.stderr.slice(-3000));
    }

    const byNode = await landedRows(node.stagingUrl, topic);
    const bySpark = await landedRows(spark.stagingUrl, topic);
    assert.equal(bySpark.length, messages.length);
    assert.deepEqual(bySpark, byNode);

    // and both equal what was produced, byte for byte (independently of either engine)
    const sent = new Map<string, ProducedMessage>(messages.map((m, i) => [String(i), m]));
    const rowsInProduceOrder = [...bySpark].sort((a, b) => Number(a.produced) - Number(b.produced));
    rowsInProduceOrder.forEach((row, i) => {
      const m = sent.get(String(i))!;
      assert.equal(row.value, m.value === null ? null : Buffer.from(m.value).toString('hex'), `value of message ${i}`);
      assert.equal(row.key, m.key === undefined || m.key === null ? null : Buffer.from(m.key).toString('hex'), `key of message ${i}`);
      const headers = Object.entries(m.headers ?? {}).map(([name, value]) => [Buffer.from(name).toString('hex'), Buffer.from(value).toString('hex')]);
      assert.deepEqual(row.headers, headers.length ? headers : null, `headers of message ${i}`);
      assert.equal(row.kafka_timestamp, new Date(m.timestamp!).toISOString(), `timestamp of message ${i}`);
      assert.equal(row.kafka_timestamp_ms, String(m.timestamp), `exact timestamp of message ${i}`);
    });
  });

  it('hand-over: the node engine lands part of a topic, Spark continues (also side by side with node), node finishes: exactly once', async (ctx) => {
    const topic = await t.freshTopic('spark_handover', 3);
    const { stagingUrl } = await t.freshDatabases('spark_handover');
    await migrateLanding(stagingUrl);
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'handover' };
    const produced = await produceFeed(t.kafka, topic, { from: 0, count: 12_000, partitions: 3 });

    // 1. node lands the first part, then stops while the feed goes on
    const node1 = new IngesterProcess(env, ['--batch-rows', '500']);
    await waitFor('node to land the first part', async () => (await landedCount(stagingUrl, topic)) >= 12_000);
    assert.equal((await node1.kill('SIGTERM')).code, 0, node1.stderr);
    await produceFeed(t.kafka, topic, { from: 12_000, count: 30_000, partitions: 3, into: produced });

    // 2. Spark continues from PostgreSQL's offsets, more records arrive meanwhile
    const spark = new SparkIngestProcess(env, ['--conf', 'spark.turnover.maxRecordsPerBatch=3000']);
    await produceFeed(t.kafka, topic, { from: 42_000, count: 18_000, partitions: 3, into: produced });
    await waitFor('Spark to land past 45,000', async () => (await landedCount(stagingUrl, topic)) >= 45_000, 180_000);

    // 3. node joins while Spark still runs: the fence decides who lands what
    const node2 = new IngesterProcess(env, ['--batch-rows', '500']);
    await produceFeed(t.kafka, topic, { from: 60_000, count: 30_000, partitions: 3, into: produced });
    await sleep(3_000);
    assert.equal((await spark.terminate()).code, 0, spark.stderr.slice(-3000));

    // 4. node finishes alone
    await produceFeed(t.kafka, topic, { from: 90_000, count: 10_000, partitions: 3, into: produced });
    await waitFor('every record to land', async () => (await landedCount(stagingUrl, topic)) >= total(produced), 120_000);
    assert.equal((await node2.kill('SIGTERM')).code, 0, node2.stderr);

    const sparkStarted = spark.logs.find((l) => l.msg === 'starting from PostgreSQL offsets');
    assert.ok(sparkStarted, 'Spark said where it started');
    const startedAt = Object.values(sparkStarted.partitions as Record<string, unknown>);
    assert.deepEqual(startedAt, [4_000, 4_000, 4_000], `Spark starts where node stopped: ${JSON.stringify(sparkStarted.partitions)}`);
    assert.ok(spark.logs.some((l) => l.msg === 'batch committed' && Number(l.rows) > 0), 'Spark landed a part itself');
    const skipped = spark.logs.filter((l) => l.msg === 'batch committed').reduce((n, l) => n + Number(l.skipped ?? 0), 0);
    const conflicts = node2.logs.filter((l) => String(l.msg).startsWith('another ingester landed')).length;
    ctx.diagnostic(`side by side: Spark skipped ${skipped} records node had landed; node met ${conflicts} fenced conflicts`);
    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
  });
});

/** Every live-feed fixture line as one message value, byte-exact, some with keys and headers. */
function fixtureMessages(): ProducedMessage[] {
  const lines = [LIVE_FEED.messages, LIVE_FEED.transactions100].flatMap((file) =>
    readFileSync(file)
      .toString('latin1')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => Buffer.from(l, 'latin1')),
  );
  // recent timestamps: the broker's time-based retention would delete old ones under the test
  const base = Date.now() - 3_600_000;
  const messages: ProducedMessage[] = lines.map((value, i) => ({
    partition: i % 3,
    value,
    timestamp: base + i * 1000,
    ...(i % 4 === 1 ? { key: value.subarray(14, 50) } : {}),
    ...(i % 5 === 2
      ? {
          headers: {
            'content-type': 'application/json',
            'trace-id': `trace-${i}`,
            // binary bytes, and a value long enough to catch base64 with line breaks
            'raw-bytes': Buffer.from([0, 255, 128, 10, 13, i % 256]),
            'schema-fingerprint-long': Buffer.alloc(120, i % 256),
            'ключ': 'значение',
          },
        }
      : {}),
  }));
  // records that are not feed messages land too: a tombstone, an empty value, an empty key
  messages.push({ partition: 0, value: null, key: 'deleted-key', timestamp: base + 900_000 });
  messages.push({ partition: 1, value: Buffer.alloc(0), key: Buffer.alloc(0), timestamp: base + 900_001 });
  return messages;
}

interface LandedRow {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  /** [name hex, value hex | null] per header, in order; null = no headers. */
  readonly headers: [string, string | null][] | null;
  readonly kafka_timestamp: string;
  readonly kafka_timestamp_ms: string;
  /** Index of the message in produce order (timestamps are distinct and increasing). */
  readonly produced: number;
}

async function landedRows(url: string, topic: string): Promise<LandedRow[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `select partition, "offset"::text as offset, encode(key, 'hex') as key, encode(value, 'hex') as value,
              ${HEADERS_AS_HEX_PAIRS} as headers,
              to_char(kafka_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as kafka_timestamp,
              kafka_timestamp_ms::text as kafka_timestamp_ms,
              (rank() over (order by kafka_timestamp)) - 1 as produced
       from raw.kafka_messages where topic = $1 order by partition, "offset"`,
      [topic],
    );
    return rows.map((r) => ({ ...r, produced: Number(r.produced) })) as LandedRow[];
  });
}
