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

/** One record as fetched, bytes untouched. */
export interface ConsumedRecord {
  /** Offsets are exact as numbers up to 2^53 (centuries of a busy partition). */
  readonly offset: number;
  /** null = the record has no key; an empty Buffer = an empty key. */
  readonly key: Buffer | null;
  /** null = no value (tombstone); an empty Buffer = an empty value. */
  readonly value: Buffer | null;
  /** Record timestamp, ms since the epoch. */
  readonly timestamp: number;
  /** Headers in order, duplicates kept; null when there are none. */
  readonly headers: readonly RecordHeader[] | null;
}

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/**
 * The records of one partition from one fetch. Because a fetch at offset X
 * returns the log from X on, a batch is contiguous with what came before only
 * when `fetchOffset` is where the previous batch ended: the caller checks that.
 */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The offset the fetch asked for. */
  readonly fetchOffset: number;
  /** Where the next fetch continues (past control records too). */
  readonly nextOffset: number;
  /** The partition's end offset when fetched (for lag). */
  readonly highWatermark: number;
  readonly records: readonly ConsumedRecord[];
}

export interface ConsumerHandlers {
  /** The group gave this member a new assignment (after every join/rebalance). Synchronous. */
  onAssignment(topic: string, partitions: readonly number[]): void;
  /** A fetched batch. Awaited: not resolving is back-pressure. `heartbeat` keeps the membership while waiting. */
  onBatch(batch: FetchedBatch, heartbeat: () => Promise<void>): Promise<void>;
  /** The consumer failed for good (configuration, authorisation): the run must end. */
  onFatal(error: Error): void;
}

export interface ConsumerOptions {
  readonly topic: string;
  readonly group: string;
  /** The group drops a member that has not heartbeated for this long. */
  readonly sessionTimeoutMs: number;
  /** Upper bound of one partition's data per fetch. */
  readonly maxBytesPerPartition: number;
}

/**
 * A consumer-group member whose positions the caller owns: it never commits on
 * its own, and the caller seeks on every assignment.
 */
export interface KafkaConsumer {
  /** Connects, joins the group and starts delivering batches to the handlers. */
  start(handlers: ConsumerHandlers): Promise<void>;
  /** The next fetch of this partition starts at `offset`; batches already fetched may still arrive. */
  seek(partition: number, offset: number): void;
  /** Stops fetching (batches in flight still finish). */
  pause(): void;
  /** Stores the group's offsets in Kafka (best-effort, for lag tools). */
  commit(offsets: ReadonlyMap<number, number>): Promise<void>;
  /** Leaves the group and disconnects. */
  close(): Promise<void>;
}
