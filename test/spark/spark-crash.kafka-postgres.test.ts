import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectedSummary, groupOffsets, landedCount, landedSummary, migrateLanding, total, waitFor } from '../ingest/ingest-harness.js';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from '../ingest/feed.js';
import { groupMembers, isBatch, SparkIngestProcess } from './spark-harness.js';

/**
 * Issue 11 / SPEC §6: the Spark engine killed with SIGKILL (launcher, driver
 * JVM and Python driver at once) at different points of a micro-batch, and
 * restarted — once with its checkpoint deleted — lands every record exactly
 * once. Plain Structured Streaming lands records twice in the same situation
 * (PLATFORM.md). Small micro-batches make each run span many batches.
 */
describe('turnover ingest --engine spark survives SIGKILL (real Spark, Kafka, PostgreSQL)', () => {
  let t: TestStack;
  let checkpointRoot: string;
  before(async () => {
    t = await useStack();
    checkpointRoot = mkdtempSync(join(tmpdir(), 'turnover-spark-crash-'));
  });
  after(async () => {
    await t?.release();
    rmSync(checkpointRoot, { recursive: true, force: true });
  });

  it('lands 200,000 messages over 3 partitions exactly once across 4 SIGKILLs at different points of a batch', async (ctx) => {
    const topic = await t.freshTopic('spark_crash', 3);
    const { stagingUrl } = await t.freshDatabases('spark_crash');
    await migrateLanding(stagingUrl);
    const group = 'spark-crash';
    const checkpoint = join(checkpointRoot, 'checkpoint');
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: group };
    const checkpointArg = ['--conf', `spark.turnover.checkpointDir=${checkpoint}`];
    const args = ['--conf', 'spark.turnover.maxRecordsPerBatch=8000', ...checkpointArg];
    const TOTAL = 200_000;

    const produced = await produceFeed(t.kafka, topic, { from: 0, count: 80_000, partitions: 3 });
    let next = 80_000;
    const producing = (async () => {
      while (next < TOTAL) {
        await produceFeed(t.kafka, topic, { from: next, count: 20_000, partitions: 3, into: produced });
        next += 20_000;
      }
    })();

    // Each kill: the log line it waits for, what was going on when it struck.
    const kills: { after: string; batch: number; deleteCheckpoint?: boolean; what: string }[] = [
      { after: 'batch collected', batch: 2, what: 'batch 2 pulled to the driver, its landing transaction under way' },
      { after: 'batch committed', batch: 1, what: 'batch 1 committed in PostgreSQL, not yet in Spark\'s checkpoint' },
      { after: 'batch start', batch: 3, what: 'batch 3 being read from Kafka by the executors', deleteCheckpoint: true },
      { after: 'batch collected', batch: 0, what: 'the first batch of a run pulled, its transaction under way' },
    ];
    const landedAtKill: number[] = [];
    for (const kill of kills) {
      const job = new SparkIngestProcess(env, args);
      await job.next(isBatch(kill.after, kill.batch));
      await job.killAll();
      assert.deepEqual(groupMembers(job.child.pid!), [], 'no process of the killed job survives');
      const events = job.batchEvents();
      const committedBefore = events.filter((e) => e.msg === 'batch committed').map((e) => e.batch);
      ctx.diagnostic(`killed after "${kill.after} ${kill.batch}" (${kill.what}); batches committed in that run: [${committedBefore.join(', ')}]`);
      if (kill.after === 'batch collected') assert.ok(!committedBefore.includes(kill.batch), `batch ${kill.batch} had already committed: the kill missed the transaction`);
      landedAtKill.push(await landedCount(stagingUrl, topic));
      if (kill.deleteCheckpoint) rmSync(checkpoint, { recursive: true, force: true });
    }
    await producing;
    assert.equal(total(produced), TOTAL);

    // the last run only has to finish: larger micro-batches
    const last = new SparkIngestProcess(env, ['--conf', 'spark.turnover.maxRecordsPerBatch=100000', ...checkpointArg]);
    await waitFor('every produced record to land', async () => (await landedCount(stagingUrl, topic)) >= TOTAL, 240_000);
    const exit = await last.terminate();
    assert.equal(exit.code, 0, last.stderr.slice(-3000));

    ctx.diagnostic(`rows landed when each SIGKILL hit: ${landedAtKill.join(', ')}`);
    assert.ok(landedAtKill.some((n, i) => i > 0 && n > landedAtKill[i - 1]!), 'runs between the kills landed work');
    assert.ok(landedAtKill.every((n) => n < TOTAL), 'every kill struck before the end');
    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
    const offsets = await groupOffsets(stagingUrl, group, topic);
    assert.deepEqual(
      [...offsets].sort(([a], [b]) => a - b),
      [...produced].sort(([a], [b]) => a - b).map(([p, values]) => [p, values.length]),
    );
  });
});
