import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { KafkaConfig } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir } from '../../src/paths.js';
import { KafkaBroker, newClusterId } from '../../src/stack/kafka-broker.js';
import { ensureKafkaJars } from '../../src/setup/kafka-jars.js';
import { waitForExit } from '../../src/process/stop.js';
import { freePort } from '../../src/process/ports.js';
import { trackPid } from './child-processes.js';

/**
 * A real multi-node KRaft cluster on loopback for fault tests: every node is
 * broker + controller (a quorum of three survives one node down), internal
 * topics are replicated to every node and need two in-sync replicas, as a
 * production cluster's. The nodes are the local stack's own KafkaBroker,
 * each with its state dir under one temporary folder.
 *
 * Metadata (leaders, in-sync replicas) is read with kafkajs directly, a
 * client independent of the ingester's.
 */
export interface PartitionState {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

const OFFSETS_TOPIC = '__consumer_offsets';

export class KafkaCluster {
  readonly #dir: string;
  readonly #brokers: ReadonlyMap<number, KafkaBroker>;
  readonly minInsyncReplicas: number;

  private constructor(dir: string, brokers: ReadonlyMap<number, KafkaBroker>, minInsyncReplicas: number) {
    this.#dir = dir;
    this.#brokers = brokers;
    this.minInsyncReplicas = minInsyncReplicas;
  }

  /** Formats and starts `nodes` nodes at once (a quorum needs a majority up), then waits until every node sees all of them. */
  static async start(options: { nodes?: number; heap?: string } = {}): Promise<KafkaCluster> {
    const nodes = options.nodes ?? 3;
    const dir = mkdtempSync(join(tmpdir(), 'turnover-kafka-cluster-'));
    chmodSync(dir, 0o755);
    const jarsDir = await ensureKafkaJars(defaultCacheDir(process.env), silentLogger(), process.env);
    const ports: { nodeId: number; port: number; controllerPort: number }[] = [];
    for (let nodeId = 1; nodeId <= nodes; nodeId++) ports.push({ nodeId, port: await freePort(), controllerPort: await freePort() });
    const quorum = {
      voters: ports.map(({ nodeId, controllerPort }) => ({ nodeId, controllerPort })),
      clusterId: newClusterId(),
      replicationFactor: nodes,
      minInsyncReplicas: Math.floor(nodes / 2) + 1,
    };
    const brokers = new Map(
      ports.map(({ nodeId, port, controllerPort }) => [
        nodeId,
        new KafkaBroker({ dir: join(dir, `node-${nodeId}`), port, controllerPort, heap: options.heap ?? '320m', jarsDir, env: process.env, quorum: { ...quorum, nodeId } }),
      ]),
    );
    const cluster = new KafkaCluster(dir, brokers, quorum.minInsyncReplicas);
    try {
      await Promise.all([...brokers.keys()].map((nodeId) => cluster.#startNode(nodeId)));
      await cluster.#waitUntilAllSeeAll();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get nodeIds(): number[] {
    return [...this.#brokers.keys()];
  }

  /** Every node's address: what a client is given as bootstrap servers. */
  get config(): KafkaConfig {
    return Object.freeze({ brokers: [...this.#brokers.values()].map((b) => b.address), clientId: 'turnover-test', securityProtocol: 'PLAINTEXT' });
  }

  /** A topic on every node, with `min.insync.replicas` of the cluster; resolves when every partition has a leader. */
  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.#withAdmin(async (admin) => {
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor: this.#brokers.size,
            configEntries: [{ name: 'min.insync.replicas', value: String(this.minInsyncReplicas) }],
          },
        ],
        waitForLeaders: true,
      });
    });
  }

  /** A topic's configuration value as the cluster reports it. */
  async topicConfig(topic: string, name: string): Promise<string | undefined> {
    return this.#withAdmin(async (admin) => {
      const { resources } = await admin.describeConfigs({ resources: [{ type: 2 /* TOPIC */, name: topic, configNames: [name] }], includeSynonyms: false });
      return resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
    });
  }

  /** Leaders and in-sync replicas of a topic's partitions, fresh from a broker. */
  async partitions(topic: string): Promise<PartitionState[]> {
    return this.#withAdmin(async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return (topics[0]?.partitions ?? [])
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort((a, b) => a - b), isr: [...p.isr].sort((a, b) => a - b) }))
        .sort((a, b) => a.partition - b.partition);
    });
  }

  /**
   * The node coordinating a consumer group: the leader of the group's
   * partition of __consumer_offsets (Kafka picks it as
   * abs(javaHashCode(group)) % partitions).
   */
  async groupCoordinator(group: string): Promise<number> {
    const offsets = await this.partitions(OFFSETS_TOPIC);
    if (offsets.length === 0) throw new Error(`${OFFSETS_TOPIC} does not exist yet: no group has committed`);
    return offsets[(javaHashCode(group) & 0x7fffffff) % offsets.length]!.leader;
  }

  /** SIGKILL of one node (broker and controller at once, as a machine crash); resolves once it is gone. */
  async kill(nodeId: number): Promise<void> {
    const pid = this.#broker(nodeId).pid();
    if (pid === undefined) throw new Error(`Kafka node ${nodeId} is not running`);
    process.kill(pid, 'SIGKILL');
    if (!(await waitForExit(pid, 10_000))) throw new Error(`Kafka node ${nodeId} (pid ${pid}) survived SIGKILL`);
  }

  /** Starts a killed node again on its own storage; resolves when it answers metadata requests. */
  async restart(nodeId: number): Promise<void> {
    await this.#startNode(nodeId);
  }

  /** Until no partition of these topics has a replica out of sync (after a restart: the node caught up). */
  async waitForFullIsr(topics: readonly string[], timeoutMs = 120_000): Promise<void> {
    await until(`every replica of ${topics.join(', ')} in sync`, timeoutMs, async () => {
      for (const topic of topics) {
        const partitions = await this.partitions(topic).catch(() => []);
        if (partitions.length === 0 || partitions.some((p) => p.isr.length !== p.replicas.length)) return false;
      }
      return true;
    });
  }

  /** Until no partition of the topic is led by `nodeId` (the controller fenced a dead node and elected new leaders). */
  async waitForLeadersOtherThan(topic: string, nodeId: number, timeoutMs = 120_000): Promise<void> {
    await until(`new leaders for the partitions node ${nodeId} led`, timeoutMs, async () => {
      const partitions = await this.partitions(topic).catch(() => []);
      return partitions.length > 0 && partitions.every((p) => p.leader !== nodeId && p.leader >= 0);
    });
  }

  /** Stops every node that still runs (SIGTERM, SIGKILL after a while) and deletes the cluster's state. */
  async stop(): Promise<void> {
    await Promise.all([...this.#brokers.values()].map((b) => b.stop(silentLogger(), 20_000)));
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #startNode(nodeId: number): Promise<void> {
    const broker = this.#broker(nodeId);
    await broker.start(silentLogger(), 120_000).finally(() => {
      const pid = broker.pid();
      if (pid !== undefined) trackPid(pid, this.#dir);
    });
  }

  /** Each node answers a metadata request listing every node: the quorum formed and every broker registered. */
  async #waitUntilAllSeeAll(timeoutMs = 120_000): Promise<void> {
    const want = this.nodeIds.sort((a, b) => a - b).join(',');
    await until(`all ${this.#brokers.size} Kafka nodes to see each other`, timeoutMs, async () => {
      for (const broker of this.#brokers.values()) {
        const seen = await withAdmin([broker.address], async (admin) => (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b).join(',')).catch(() => '');
        if (seen !== want) return false;
      }
      return true;
    });
  }

  #broker(nodeId: number): KafkaBroker {
    const broker = this.#brokers.get(nodeId);
    if (!broker) throw new Error(`no Kafka node ${nodeId}`);
    return broker;
  }

  #withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    return withAdmin(this.config.brokers, work);
  }
}

/** A fresh admin client per question: kafkajs caches metadata, and leaders move under these tests. */
async function withAdmin<T>(brokers: readonly string[], work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'turnover-test-cluster', brokers: [...brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3_000, retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Java's String.hashCode (UTF-16 code units), which Kafka uses to place a group. */
function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}
