import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from './feed.js';
import { expectedSummary, groupOffsets, IngesterProcess, landedCount, landedSummary, migrateLanding, total, waitFor } from './ingest-harness.js';

/**
 * SPEC §3 / §6 reliability: kill -9 of the ingester at any moment loses
 * nothing and duplicates nothing. Small transactions and a small buffer make
 * the ingester slow enough that the kills land mid-stream, while the feed is
 * still being produced.
 */
describe('turnover ingest survives SIGKILL (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('lands 200,000 messages over 3 partitions exactly once across 6 SIGKILLs and restarts', async (ctx) => {
    const topic = await t.freshTopic('ingest_crash', 3);
    const { stagingUrl } = await t.freshDatabases('ingest_crash');
    await migrateLanding(stagingUrl);
    const group = 'crash-group';
    const env = { ...t.env, TURNOVER_STAGING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: group };
    const args = ['--batch-rows', '500', '--buffer-mb', '1', '--fetch-kb-per-partition', '64', '--session-timeout-ms', '6000'];
    const TOTAL = 200_000;
    const CHUNK = 20_000;

    const produced = await produceFeed(t.kafka, topic, { from: 0, count: CHUNK, partitions: 3 });
    let next = CHUNK;
    const producing = (async () => {
      while (next < TOTAL) {
        await produceFeed(t.kafka, topic, { from: next, count: CHUNK, partitions: 3, into: produced });
        next += CHUNK;
        await sleep(300);
      }
    })();

    const killedAt: number[] = [];
    for (let kill = 0; kill < 6; kill++) {
      const ingester = new IngesterProcess(env, args);
      await sleep(700 + Math.floor(Math.random() * 2_300));
      const exit = await ingester.kill('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL', `run ${kill} had already exited: ${ingester.stderr}`);
      killedAt.push(await landedCount(stagingUrl, topic));
    }
    await producing;
    assert.equal(total(produced), TOTAL);

    const last = new IngesterProcess(env, args);
    await waitFor('every produced record to land', async () => (await landedCount(stagingUrl, topic)) >= TOTAL, 180_000);
    const exit = await last.kill('SIGTERM');
    assert.equal(exit.code, 0, last.stderr);

    ctx.diagnostic(`rows landed when each SIGKILL hit: ${killedAt.join(', ')}`);
    // the kills really happened mid-stream, with work landed before and after them
    assert.ok(killedAt.filter((n) => n > 0 && n < TOTAL).length >= 4, `landed counts at the kills: ${killedAt.join(', ')}`);

    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
    const offsets = await groupOffsets(stagingUrl, group, topic);
    assert.deepEqual(
      [...offsets].sort(([a], [b]) => a - b),
      [...produced].sort(([a], [b]) => a - b).map(([p, values]) => [p, values.length]),
    );
  });
});
