import type { Admin } from 'kafkajs';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { kafkaAdminPolicy, retry, type RetryPolicy } from '../../retry/index.js';
import type { ClusterInfo, KafkaAdmin, TopicPartitionOffsets } from '../client.js';
import type { KafkaConfig } from '../kafka-config.js';
import { connect, type ConnectionTuning } from './kafkajs-connection.js';

export interface AdminTuning extends ConnectionTuning {
  /** How whole calls are retried (default kafkaAdminPolicy; probes pass probePolicy: one try). */
  readonly policy?: RetryPolicy;
}

/**
 * The admin on kafkajs. kafkajs' own retries are off: some calls give up at
 * once on a retriable error (fetchTopicOffsets on "not the leader" right
 * after a broker restart or a topic creation) and keep their stale metadata.
 * Instead every call is retried whole with our policy (src/retry/), each
 * try after a failure on a fresh kafkajs client, so with fresh metadata.
 */
export class KafkaJsAdmin implements KafkaAdmin {
  readonly #config: KafkaConfig;
  readonly #logger: Logger;
  readonly #tuning: AdminTuning;
  #admin: Promise<Admin> | undefined;

  constructor(config: KafkaConfig, logger: Logger, tuning: AdminTuning = {}) {
    this.#config = config;
    this.#logger = logger;
    this.#tuning = tuning;
  }

  async describeCluster(): Promise<ClusterInfo> {
    const cluster = await this.#call('describe the cluster', (admin) => admin.describeCluster());
    return { clusterId: cluster.clusterId, brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })) };
  }

  createTopic(topic: string, partitions: number): Promise<boolean> {
    // a retry after a creation whose answer was lost finds the topic there: kafkajs then answers false
    return this.#call(`create topic ${topic}`, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true }));
  }

  ensurePartitions(topic: string, partitions: number): Promise<void> {
    return this.#call(`add partitions to ${topic}`, async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      if (offsets.length < partitions) await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
    });
  }

  listTopics(): Promise<string[]> {
    return this.#call('list topics', (admin) => admin.listTopics());
  }

  async topicOffsets(topic: string): Promise<TopicPartitionOffsets[]> {
    const offsets = await this.#call(`read the offsets of ${topic}`, (admin) => admin.fetchTopicOffsets(topic));
    return offsets
      .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async groupOffsets(group: string, topic: string): Promise<Map<number, bigint>> {
    const result = await this.#call(`read the offsets of group ${group}`, (admin) => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    const map = new Map<number, bigint>();
    for (const p of result[0]?.partitions ?? []) {
      if (Number(p.offset) >= 0) map.set(p.partition, BigInt(p.offset));
    }
    return map;
  }

  async close(): Promise<void> {
    await this.#drop();
  }

  #call<T>(what: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
    return retry(
      this.#tuning.policy ?? kafkaAdminPolicy,
      async () => {
        try {
          return await fn(await this.#ready());
        } catch (error) {
          await this.#drop(); // the next try starts on a fresh client: fresh metadata, fresh connections
          throw error;
        }
      },
      { onRetry: ({ error, delayMs }) => this.#logger.warn({ kafka: 'admin', err: describeError(error), retryInMs: delayMs }, `Kafka: cannot ${what} yet; retrying`) },
    );
  }

  #ready(): Promise<Admin> {
    this.#admin ??= (async () => {
      const admin = connect(this.#config, this.#logger, this.#tuning, 0).admin();
      await admin.connect();
      return admin;
    })();
    return this.#admin;
  }

  async #drop(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
