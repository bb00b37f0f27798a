/**
 * The slice of a Kafka client that turnover uses, declared here so the
 * library behind it can be swapped (and measured) without touching stages.
 */

export interface TopicPartitionOffsets {
  readonly partition: number;
  /** First offset still in the log. */
  readonly low: bigint;
  /** Offset the next produced record will get (the end of the log). */
  readonly high: bigint;
}

export interface ClusterInfo {
  readonly clusterId: string;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
}

export interface KafkaAdmin {
  /** Answers only when a broker really serves requests (not just accepts TCP). */
  describeCluster(): Promise<ClusterInfo>;
  /** Creates the topic when missing; returns false when it already existed. */
  createTopic(topic: string, partitions: number): Promise<boolean>;
  /** Adds partitions up to `partitions` in total (no-op if it has that many). */
  ensurePartitions(topic: string, partitions: number): Promise<void>;
  listTopics(): Promise<string[]>;
  topicOffsets(topic: string): Promise<TopicPartitionOffsets[]>;
  /** Committed offsets of a consumer group in Kafka (for lag monitoring). */
  groupOffsets(group: string, topic: string): Promise<Map<number, bigint>>;
  close(): Promise<void>;
}

export interface ProducedMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  readonly timestamp?: number;
}

export interface KafkaProducer {
  /** Sends and waits for the broker's acknowledgement (acks=all). */
  send(topic: string, messages: readonly ProducedMessage[]): Promise<void>;
  close(): Promise<void>;
}
