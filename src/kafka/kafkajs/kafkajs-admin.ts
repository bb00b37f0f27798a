import type { Admin } from 'kafkajs';
import type { Logger } from '../../log/logger.js';
import type { ClusterInfo, KafkaAdmin, TopicPartitionOffsets } from '../client.js';
import type { KafkaConfig } from '../kafka-config.js';
import { connect, type ConnectionTuning } from './kafkajs-connection.js';

export class KafkaJsAdmin implements KafkaAdmin {
  readonly #admin: Admin;
  #connected: Promise<void> | undefined;

  constructor(config: KafkaConfig, logger: Logger, tuning?: ConnectionTuning) {
    this.#admin = connect(config, logger, tuning).admin();
  }

  async #ready(): Promise<Admin> {
    this.#connected ??= this.#admin.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    await this.#connected;
    return this.#admin;
  }

  async describeCluster(): Promise<ClusterInfo> {
    const cluster = await (await this.#ready()).describeCluster();
    return { clusterId: cluster.clusterId, brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })) };
  }

  async createTopic(topic: string, partitions: number): Promise<boolean> {
    return (await this.#ready()).createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  }

  async ensurePartitions(topic: string, partitions: number): Promise<void> {
    const admin = await this.#ready();
    const offsets = await admin.fetchTopicOffsets(topic);
    if (offsets.length < partitions) await admin.createPartitions({ topicPartitions: [{ topic, count: partitions }] });
  }

  async listTopics(): Promise<string[]> {
    return (await this.#ready()).listTopics();
  }

  async topicOffsets(topic: string): Promise<TopicPartitionOffsets[]> {
    const offsets = await (await this.#ready()).fetchTopicOffsets(topic);
    return offsets
      .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async groupOffsets(group: string, topic: string): Promise<Map<number, bigint>> {
    const result = await (await this.#ready()).fetchOffsets({ groupId: group, topics: [topic] });
    const map = new Map<number, bigint>();
    for (const p of result[0]?.partitions ?? []) {
      if (Number(p.offset) >= 0) map.set(p.partition, BigInt(p.offset));
    }
    return map;
  }

  async close(): Promise<void> {
    if (this.#connected) await this.#admin.disconnect();
    this.#connected = undefined;
  }
}
