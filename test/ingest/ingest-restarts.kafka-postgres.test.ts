import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from './feed.js';
import { expectedSummary, IngesterProcess, landedCount, landedSummary, migrateLanding, total, waitFor } from './ingest-harness.js';

/**
 * A restart of PostgreSQL or of the broker under a running ingester: it
 * retries with back-off, needs no operator, and lands everything exactly once.
 * Both restart the (possibly shared) stack's servers and bring them back.
 */
describe('turnover ingest across server restarts (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    // whatever happened, leave the stack running for the next test file
    await t?.stack.up(t.logger);
    await t?.release();
  });

  it('PostgreSQL restarted mid-stream: every record lands exactly once', async () => {
    const topic = await t.freshTopic('ingest_pg_restart', 3);
    const { stagingUrl } = await t.freshDatabases('ingest_pg_restart');
    await migrateLanding(stagingUrl);
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'pg-restart' };
    const produced = await produceFeed(t.kafka, topic, { from: 0, count: 30_000, partitions: 3 });
    const ingester = new IngesterProcess(env, ['--batch-rows', '200', '--buffer-mb', '1', '--fetch-kb-per-partition', '32']);
    try {
      await waitFor('some rows to land', async () => (await landedCount(stagingUrl, topic)) > 0, 120_000, ingester);
      await t.stack.down(t.logger, 'postgres');
      await produceFeed(t.kafka, topic, { from: 30_000, count: 30_000, partitions: 3, into: produced });
      await sleep(2_000);
      await t.stack.up(t.logger);
      await waitFor('all rows to land after the restart', async () => (await landedCount(stagingUrl, topic)) >= total(produced), 120_000, ingester);
      const exit = await ingester.kill('SIGTERM');
      assert.equal(exit.code, 0, ingester.stderr);
      assert.ok(ingester.logs.some((l) => String(l.msg).includes('unavailable')), 'the ingester noticed the outage and retried');
    } finally {
      await ingester.kill('SIGKILL');
    }
    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
  });

  it('broker restarted mid-stream: every record lands exactly once', async () => {
    const topic = await t.freshTopic('ingest_kafka_restart', 3);
    const { stagingUrl } = await t.freshDatabases('ingest_kafka_restart');
    await migrateLanding(stagingUrl);
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'kafka-restart' };
    const produced = await produceFeed(t.kafka, topic, { from: 0, count: 30_000, partitions: 3 });
    const ingester = new IngesterProcess(env, ['--batch-rows', '200', '--buffer-mb', '1', '--fetch-kb-per-partition', '32', '--session-timeout-ms', '6000']);
    try {
      await waitFor('some rows to land', async () => (await landedCount(stagingUrl, topic)) > 0, 120_000, ingester);
      await t.stack.down(t.logger, 'kafka');
      await sleep(1_000);
      await t.stack.up(t.logger);
      await produceFeed(t.kafka, topic, { from: 30_000, count: 30_000, partitions: 3, into: produced });
      await waitFor('all rows to land after the restart', async () => (await landedCount(stagingUrl, topic)) >= total(produced), 180_000, ingester);
      const exit = await ingester.kill('SIGTERM');
      assert.equal(exit.code, 0, ingester.stderr);
    } finally {
      await ingester.kill('SIGKILL');
    }
    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
  });
});
