import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from './feed.js';
import { freePort, groupOffsets, IngesterProcess, landedCount, metric, migrateLanding, waitFor, withClient } from './ingest-harness.js';

/**
 * Where a partition starts when Kafka no longer has what PostgreSQL expects:
 * records deleted (as retention does) before they landed. The ingester says
 * which offsets were lost, counts them, and goes on from the earliest offset
 * Kafka has — whatever --on-offset-reset says (docs/ingest.md).
 */
describe('turnover ingest when Kafka deleted records (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('no offset row: starts at the earliest offset still in Kafka; a gap after landed rows is reported, counted and skipped, even with --on-offset-reset=latest', async () => {
    const topic = await t.freshTopic('ingest_retention', 1);
    const { stagingUrl } = await t.freshDatabases('ingest_retention');
    await migrateLanding(stagingUrl);
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'retention' };
    const admin = new Kafka({ brokers: [...t.kafka.brokers], clientId: 'retention-test', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      // offsets 0..999, of which 0..299 are deleted before anything landed
      await produceFeed(t.kafka, topic, { from: 0, count: 1_000, partitions: 1 });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '300' }] });
      const first = new IngesterProcess(env);
      await waitFor('offsets 300..999 to land', async () => (await landedCount(stagingUrl, topic)) >= 700, 120_000, first);
      assert.equal((await first.kill('SIGTERM')).code, 0, first.stderr);

      // offsets 1000..1999 produced while no ingester runs; 1000..1499 deleted before they landed
      await produceFeed(t.kafka, topic, { from: 1_000, count: 1_000, partitions: 1 });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1500' }] });
      // latest would skip records Kafka still has: a retention gap ignores it
      const port = await freePort();
      const second = new IngesterProcess(env, ['--on-offset-reset', 'latest', '--metrics-port', String(port)]);
      await waitFor('offsets 1500..1999 to land', async () => (await landedCount(stagingUrl, topic)) >= 1_200, 120_000, second);
      assert.equal(await metric(port, 'turnover_ingest_offset_reset_total', 'reason="retention_gap",action="continued"'), 1);
      assert.equal(await metric(port, 'turnover_ingest_skipped_records_total', 'reason="retention_gap"'), 500);
      assert.equal(await metric(port, 'turnover_ingest_skipped_records_total', 'reason="reset_latest"'), 0);
      assert.equal((await second.kill('SIGTERM')).code, 0, second.stderr);
      assert.ok(
        second.logs.some((l) => l.msg === 'offsets 1000..1499 of partition 0 were deleted from Kafka before they were landed'),
        second.stderr,
      );
    } finally {
      await admin.disconnect();
    }

    const ranges = await withClient(stagingUrl, async (c) =>
      (await c.query(`select min("offset") as lo, max("offset") as hi, count(*) as n from raw.kafka_messages group by "offset" >= 1000 order by 1`)).rows.map((r) => [Number(r.lo), Number(r.hi), Number(r.n)]),
    );
    assert.deepEqual(ranges, [[300, 999, 700], [1_500, 1_999, 500]]);
    assert.deepEqual(await groupOffsets(stagingUrl, 'retention', topic), new Map([[0, 2_000]]));
  });
});
