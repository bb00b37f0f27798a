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

/** One record as fetched, bytes untouched (decodeRecords; the ingest path never builds these). */
export interface ConsumedRecord {
  /** Offsets are exact as numbers up to 2^53 (centuries of a busy partition). */
  readonly offset: number;
  /** null = the record has no key; an empty Buffer = an empty key. */
  readonly key: Buffer | null;
  /** null = no value (tombstone); an empty Buffer = an empty value. */
  readonly value: Buffer | null;
  /** Record timestamp, ms since the epoch, exact (any int64). */
  readonly timestamp: bigint;
  /** Headers in order, duplicates kept; null when there are none. */
  readonly headers: readonly RecordHeader[] | null;
}

export interface RecordHeader {
  /** The name's bytes as sent (any bytes: Kafka does not require UTF-8). */
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** A read_committed fetch skips the records of these aborted transactions. */
export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

/**
 * What one fetch returned for one partition, undecoded. Because a fetch at
 * offset X returns the log from X on (from the start of the batch holding
 * X), a batch is contiguous with what came before only when `fetchOffset` is
 * where the previous one ended: the caller checks that.
 */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The offset the fetch asked for. */
  readonly fetchOffset: number;
  /** Where the next fetch continues: after the last whole record batch (control and aborted ones too). */
  readonly nextOffset: number;
  /** The partition's end offset when fetched (for lag). */
  readonly highWatermark: number;
  /** Kafka's record batches (format v2), whole batches only, as the broker sent them: a view of the fetch response, not a copy. Read them with RecordBatchReader (record-batch-reader.ts). */
  readonly recordBatches: Buffer;
  readonly abortedTransactions: readonly AbortedTransaction[];
}

export interface Assignment {
  readonly topic: string;
  /** Kafka's id of the topic as Kafka prints it (topic-id.ts; null when the broker has none): a deleted and recreated topic gets a new one. */
  readonly topicId: string | null;
  readonly partitions: readonly number[];
}

/** The topic's id and the bounds of every partition's log, read together (both describe one incarnation of the topic). */
export interface TopicLog {
  /** As in Assignment. */
  readonly topicId: string | null;
  readonly partitions: readonly TopicPartitionOffsets[];
}

/** A fetch position past the end of a partition's log (Kafka answered OFFSET_OUT_OF_RANGE and its end is below it). */
export interface OffsetPastEnd {
  readonly partition: number;
  readonly offset: number;
  /** The partition's first and end offsets when it was found. */
  readonly low: number;
  readonly high: number;
}

export interface ConsumerHandlers {
  /** The group gave this member a new assignment (after every join/rebalance). Synchronous. */
  onAssignment(assignment: Assignment): void;
  /** A fetched batch. Awaited: not resolving is back-pressure (group heartbeats go on regardless). */
  onBatch(batch: FetchedBatch): Promise<void>;
  /**
   * A sought position is past the end of the partition's log under the same
   * topic id. The partition is not fetched again until the owner seeks it
   * (what to do is the owner's decision: nothing was skipped). Without this
   * handler the consumer fails (onFatal with an OffsetMismatchError).
   */
  onOffsetPastEnd?(report: OffsetPastEnd): void;
  /** The consumer failed for good (configuration, authorisation): the run must end. */
  onFatal(error: Error): void;
}

export interface ConsumerOptions {
  readonly topic: string;
  readonly group: string;
  /** The group drops a member that has not heartbeated for this long. */
  readonly sessionTimeoutMs: number;
  /** Upper bound of one partition's data per fetch (the first batch still comes whole when larger). */
  readonly maxBytesPerPartition: number;
}

/**
 * A consumer-group member whose positions the caller owns: it never commits on
 * its own, and the caller seeks on every assignment.
 */
export interface KafkaConsumer {
  /** Connects, joins the group and starts delivering batches; rejects at once on a configuration problem. */
  start(handlers: ConsumerHandlers): Promise<void>;
  /** The next fetch of this partition starts at `offset`; a batch already fetched may still arrive. */
  seek(partition: number, offset: number): void;
  /** Stops fetching (a batch being delivered still finishes). */
  pause(): void;
  /** Stores the group's offsets in Kafka (best-effort, for lag tools). */
  commit(offsets: ReadonlyMap<number, number>): Promise<void>;
  /** The first and end offsets of every partition of the topic. */
  offsets(): Promise<TopicPartitionOffsets[]>;
  /** The topic's id from fresh metadata and the bounds of every partition, read again until both come from one incarnation of the topic. */
  topicLog(): Promise<TopicLog>;
  /** Leaves the group and disconnects. */
  close(): Promise<void>;
}
