import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ContinuousFeed } from '../ingest/feed.js';
import { landedCount, migrateLanding, waitFor } from '../ingest/ingest-harness.js';
import { assertLandedAsAcknowledged } from '../ingest/landing-proof.js';
import { AcknowledgedProducer } from '../support/acknowledged-producer.js';
import { FaultLog } from '../support/fault-log.js';
import { useStack, type TestStack } from '../support/stack.js';
import { groupMembers, isBatch, SparkIngestProcess } from './spark-harness.js';
import { SparkStandalone } from './spark-standalone.js';

/**
 * Issue 17: `turnover ingest --engine spark --master spark://…` on a real
 * standalone cluster (a master and one worker of 1 core and 1 GB, on
 * loopback). While the feed is produced and landed, the executor JVM is
 * SIGKILLed as it reads a micro-batch (the worker launches another, the same
 * driver goes on), later the driver (launcher, driver JVM and Python driver
 * at once) with a batch pulled and its transaction under way (a new job
 * takes over). Every record the producer had acknowledged lands once, with
 * its bytes, and PostgreSQL never refused a row as a duplicate.
 */
describe('turnover ingest --engine spark on a standalone cluster survives executor and driver SIGKILL (real Spark master + worker, Kafka, PostgreSQL)', () => {
  let t: TestStack;
  let spark: SparkStandalone;
  let checkpointRoot: string;
  before(async () => {
    t = await useStack();
    spark = await SparkStandalone.start({ cores: 1, memory: '1g' });
    checkpointRoot = mkdtempSync(join(tmpdir(), 'turnover-spark-cluster-'));
  });
  after(async () => {
    await spark?.stop();
    await t?.release();
    if (checkpointRoot) rmSync(checkpointRoot, { recursive: true, force: true });
  });

  it('lands every acknowledged record exactly once across an executor SIGKILL and a driver SIGKILL', async (ctx) => {
    const topic = await t.freshTopic('spark_cluster', 3);
    const { stagingUrl } = await t.freshDatabases('spark_cluster');
    await migrateLanding(stagingUrl);
    const group = 'spark-cluster';
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: group, SPARK_LOCAL_IP: '127.0.0.1' };
    const args = [
      // the executors reach the driver on loopback too
      '--conf', 'spark.driver.host=127.0.0.1',
      '--conf', 'spark.driver.bindAddress=127.0.0.1',
      '--conf', 'spark.turnover.maxRecordsPerBatch=6000',
      '--conf', `spark.turnover.checkpointDir=${join(checkpointRoot, 'checkpoint')}`,
    ];
    const producer = new AcknowledgedProducer(t.kafka, topic);
    ctx.after(() => producer.close());

    const TOTAL = 60_000;
    const EXECUTOR_KILL = 15_000;
    const DRIVER_KILL = 35_000;
    const job = new SparkIngestProcess(env, args, spark.masterUrl);
    // The feed stays at most 12,000 records ahead of the landing, so it lasts as long as the
    // landing; the driver's kill waits for the executor to be replaced, and the feed with it:
    // every fault strikes mid-stream.
    const feed = new ContinuousFeed(producer, { total: TOTAL, partitions: 3, perSend: 1000, ahead: { records: 12_000, landed: () => landedCount(stagingUrl, topic) } });
    const executorReplaced = feed.holdBefore(DRIVER_KILL);
    feed.start();
    const faults = new FaultLog();

    // 1. the executor dies while it reads a micro-batch
    await feed.reached(EXECUTOR_KILL + 1);
    const reading = Number((await job.next(isBatch('batch start'))).batch);
    const executors = spark.executors();
    assert.equal(executors.length, 1, `one executor on the worker: ${executors.join(', ')}`);
    faults.note(`executor ${executors[0]} SIGKILLed while batch ${reading} was read, at ${await landedCount(stagingUrl, topic)} landed / ${producer.count} acknowledged`);
    await spark.killExecutor(executors[0]!);
    const replacement = await spark.newExecutor(executors);
    // the same driver goes on: a batch begun after the kill is read by the new executor and lands
    await waitFor('a batch after the executor kill to commit', () => job.batchEvents().some((e) => e.msg === 'batch committed' && e.batch > reading), 180_000);
    assert.equal(job.child.exitCode, null, `the job survived its executor: ${job.stderr.slice(-2000)}`);
    faults.note(`executor ${replacement} launched by the worker, a later batch committed by the same driver`);
    executorReplaced();

    // 2. the driver dies with a batch pulled and its landing transaction under way
    await feed.reached(DRIVER_KILL + 1);
    const collected = await job.next(isBatch('batch collected'));
    await job.killAll();
    assert.deepEqual(groupMembers(job.child.pid!), [], 'no process of the killed driver survives');
    faults.note(`driver SIGKILLed after batch ${collected.batch} was collected, at ${await landedCount(stagingUrl, topic)} landed / ${producer.count} acknowledged`);
    // the master drops the dead driver's application and the worker its executor: the core is free again
    await waitFor('the master to drop the killed application', async () => (await spark.activeApplications()) === 0 && spark.executors().length === 0, 120_000);
    const next = new SparkIngestProcess(env, args, spark.masterUrl);

    await feed.done();
    await waitFor('every acknowledged record to land', async () => (await landedCount(stagingUrl, topic)) >= producer.count, 240_000);
    const exit = await next.terminate();
    assert.equal(exit.code, 0, next.stderr.slice(-3000));
    ctx.diagnostic(faults.summary('everything landed'));

    assert.equal(producer.count, TOTAL);
    // the Spark engine retries a conflict without counting it: PostgreSQL's log is the counter
    await assertLandedAsAcknowledged(t, { stagingUrl, topic, group }, producer.acknowledged);
  });
});
