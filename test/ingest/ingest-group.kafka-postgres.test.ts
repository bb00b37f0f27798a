import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from './feed.js';
import { expectedSummary, IngesterProcess, landedCount, landedSummary, migrateLanding, total, waitFor } from './ingest-harness.js';

/** Several `turnover ingest` in one group share the partitions and take over from each other. */
describe('turnover ingest in a consumer group (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('two ingesters split the partitions, land exactly once together, and one takes over when the other is killed', async () => {
    const topic = await t.freshTopic('ingest_group', 3);
    const { stagingUrl } = await t.freshDatabases('ingest_group');
    await migrateLanding(stagingUrl);
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'pair' };
    const args = ['--session-timeout-ms', '6000', '--batch-rows', '1000'];

    const produced = await produceFeed(t.kafka, topic, { from: 0, count: 30_000, partitions: 3 });
    const a = new IngesterProcess(env, args);
    const b = new IngesterProcess(env, args);
    try {
      await waitFor('both members to hold partitions', () => {
        const pa = a.latestAssignment() ?? [];
        const pb = b.latestAssignment() ?? [];
        return pa.length > 0 && pb.length > 0 && new Set([...pa, ...pb]).size === 3 && pa.length + pb.length === 3;
      }, 120_000, a, b);
      await produceFeed(t.kafka, topic, { from: 30_000, count: 30_000, partitions: 3, into: produced });
      await waitFor('the first 60,000 to land', async () => (await landedCount(stagingUrl, topic)) >= 60_000, 120_000, a, b);

      // kill -9 one member: the group hands its partitions to the other after the session timeout
      await a.kill('SIGKILL');
      await produceFeed(t.kafka, topic, { from: 60_000, count: 30_000, partitions: 3, into: produced });
      await waitFor('the survivor to own every partition', () => (b.latestAssignment() ?? []).length === 3, 90_000, b);
      await waitFor('all 90,000 to land', async () => (await landedCount(stagingUrl, topic)) >= total(produced), 120_000, b);
      const exit = await b.kill('SIGTERM');
      assert.equal(exit.code, 0, b.stderr);
    } finally {
      await a.kill('SIGKILL');
      await b.kill('SIGKILL');
    }
    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
  });
});
