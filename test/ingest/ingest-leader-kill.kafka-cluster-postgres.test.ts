import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AcknowledgedProducer } from '../support/acknowledged-producer.js';
import { FaultLog } from '../support/fault-log.js';
import { KafkaCluster } from '../support/kafka-cluster.js';
import { useStack, type TestStack } from '../support/stack.js';
import { ContinuousFeed } from './feed.js';
import { freePort, IngesterProcess, landedCount, migrateLanding, waitFor } from './ingest-harness.js';
import { assertLandedAsAcknowledged, ingestMetric } from './landing-proof.js';

/**
 * Issue 17: a three-node KRaft cluster (every internal topic and the feed
 * topic on three replicas, min.insync.replicas 2) loses the leader of a
 * partition to SIGKILL while the feed is produced (acks=all) and landed;
 * later a second leader. `turnover ingest` runs through it all as one
 * process: every record the producer had acknowledged lands once, with its
 * bytes, at its offset, and the landing never needed the primary key (no
 * conflict, no duplicate-key refusal).
 */
describe('turnover ingest while partition leaders die (real 3-node Kafka cluster + PostgreSQL)', () => {
  let t: TestStack;
  let cluster: KafkaCluster;
  before(async () => {
    t = await useStack();
    cluster = await KafkaCluster.start({ nodes: 3, heap: '320m' });
  });
  after(async () => {
    await cluster?.stop();
    await t?.release();
  });

  it('lands every acknowledged record exactly once across SIGKILLs of two partition leaders', async (ctx) => {
    const topic = `ingest_cluster_${process.pid}_${Date.now().toString(36)}`;
    const group = 'cluster-group';
    await cluster.createTopic(topic, 3);
    for (const p of await cluster.partitions(topic)) assert.deepEqual(p.replicas, cluster.nodeIds, `partition ${p.partition} on every node`);
    assert.equal(await cluster.topicConfig(topic, 'min.insync.replicas'), '2');
    const { stagingUrl } = await t.freshDatabases('ingest_cluster');
    await migrateLanding(stagingUrl);

    const metricsPort = await freePort();
    const env = { ...t.env, TURNOVER_KAFKA_BROKERS: cluster.config.brokers.join(','), TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: group };
    const ingester = new IngesterProcess(env, ['--batch-rows', '1000', '--fetch-kb-per-partition', '64', '--session-timeout-ms', '10000', '--metrics-port', String(metricsPort)]);
    const producer = new AcknowledgedProducer(cluster.config, topic);
    ctx.after(() => producer.close());

    const TOTAL = 90_000;
    const FIRST_KILL = 20_000;
    const SECOND_KILL = 55_000;
    // The feed stays at most 10,000 records ahead of the landing, so it lasts as long as the
    // landing; the second fault waits for the first node to be back in sync (acks=all needs two
    // in-sync replicas to remain), and the feed waits with it: every fault strikes mid-stream.
    const feed = new ContinuousFeed(producer, { total: TOTAL, partitions: 3, perSend: 1000, ahead: { records: 10_000, landed: () => landedCount(stagingUrl, topic) } });
    const firstBack = feed.holdBefore(SECOND_KILL);
    feed.start();

    const faults = new FaultLog();
    const strike = async (victim: number, why: string): Promise<void> => {
      const landed = await landedCount(stagingUrl, topic);
      const acknowledged = producer.count;
      await cluster.kill(victim);
      faults.note(`node ${victim} (${why}) SIGKILLed at ${landed} landed / ${acknowledged} acknowledged`);
      await cluster.waitForLeadersOtherThan(topic, victim);
      // the ingester goes on without the node: what was acknowledged before the kill lands meanwhile
      await waitFor(`records acknowledged before node ${victim} died to land`, async () => (await landedCount(stagingUrl, topic)) >= acknowledged, 120_000, ingester);
      await cluster.restart(victim);
      await cluster.waitForFullIsr([topic, '__consumer_offsets']);
    };

    await feed.reached(FIRST_KILL + 1);
    // the group's offsets topic (created by the ingester's group) is replicated like the feed
    for (const p of await cluster.partitions('__consumer_offsets')) assert.deepEqual(p.replicas, cluster.nodeIds, `__consumer_offsets-${p.partition} on every node`);
    const first = (await cluster.partitions(topic))[0]!.leader;
    await strike(first, `leader of partition 0${first === (await cluster.groupCoordinator(group)) ? ' and group coordinator' : ''}`);
    firstBack();

    // The second victim is the group's coordinator, a partition leader too (every node led one
    // partition, and the first victim's partitions moved to the other two): the ingester must
    // follow a new leader and find a new coordinator, rejoin, and refetch from Kafka's committed
    // offsets, which lag PostgreSQL's.
    await feed.reached(SECOND_KILL + 1);
    const second = await cluster.groupCoordinator(group);
    const leads = (await cluster.partitions(topic)).filter((p) => p.leader === second).map((p) => p.partition);
    assert.ok(leads.length > 0, `the coordinator, node ${second}, leads a partition of the topic`);
    await strike(second, `group coordinator and leader of partition ${leads.join(', ')}`);

    await feed.done();
    await waitFor('every acknowledged record to land', async () => (await landedCount(stagingUrl, topic)) >= producer.count, 180_000, ingester);
    const conflicts = await ingestMetric(metricsPort, 'turnover_ingest_conflicts_total');
    const exit = await ingester.kill('SIGTERM');
    assert.equal(exit.code, 0, ingester.stderr.slice(-3000));
    ctx.diagnostic(faults.summary('everything landed'));
    ctx.diagnostic(`assignments seen by the ingester: ${ingester.logs.filter((l) => String(l.msg).startsWith('assigned partitions')).length}`);

    assert.equal(producer.count, TOTAL);
    assert.equal(conflicts, 0, 'landing transactions rolled back as conflicts');
    await assertLandedAsAcknowledged(t, { stagingUrl, topic, group }, producer.acknowledged);
  });
});
