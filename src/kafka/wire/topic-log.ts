import type { KafkaConfig } from '../kafka-config.js';
import type { TopicLog, TopicPartitionOffsets } from '../client.js';
import { topicIdText } from '../topic-id.js';
import { EARLIEST, LATEST, LIST_OFFSETS, type PartitionOffset } from './apis/list-offsets.js';
import { KafkaCluster } from './cluster.js';
import { KafkaCode, KafkaProtocolError } from './kafka-error-codes.js';

/** How often a topic log is read again when the topic id moved while its offsets were read. */
const TOPIC_LOG_TRIES = 5;

/** First and end (high watermark) offsets of every partition of a topic, from their leaders. */
export async function listOffsetBounds(cluster: KafkaCluster, topic: string, leaders: ReadonlyMap<number, number>, partitionCount: number): Promise<TopicPartitionOffsets[]> {
  const byLeader = new Map<number, number[]>();
  for (let p = 0; p < partitionCount; p++) {
    const leader = leaders.get(p);
    if (leader === undefined) throw new KafkaProtocolError(KafkaCode.LEADER_NOT_AVAILABLE, `offsets of ${topic} partition ${p}`);
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
  }
  const result: TopicPartitionOffsets[] = [];
  await Promise.all(
    [...byLeader].map(async ([leader, partitions]) => {
      const connection = await cluster.connection(leader);
      const [low, high] = await Promise.all(([EARLIEST, LATEST] as const).map((timestamp) => connection.request(LIST_OFFSETS, { topic, partitions, timestamp })));
      const highs = new Map(high!.map((o) => [o.partition, checked(o, topic)]));
      for (const o of low!) result.push({ partition: o.partition, low: BigInt(checked(o, topic)), high: BigInt(highs.get(o.partition) ?? -1) });
    }),
  );
  return result.sort((a, b) => a.partition - b.partition);
}

/**
 * The topic's id and its partitions' bounds, with fresh metadata before and
 * after the offsets: ListOffsets names the topic, so a topic recreated in
 * between would give the new log's bounds under the old id.
 * @param metadata reads the topic's metadata again and returns its id (32 hex digits)
 */
export async function consistentTopicLog(topic: string, metadata: () => Promise<string>, bounds: () => Promise<TopicPartitionOffsets[]>): Promise<TopicLog> {
  for (let attempt = 1; ; attempt++) {
    const before = await metadata();
    const partitions = await bounds();
    if ((await metadata()) === before) return { topicId: topicIdText(before), partitions };
    if (attempt === TOPIC_LOG_TRIES) throw new KafkaProtocolError(KafkaCode.INCONSISTENT_TOPIC_ID, `the id of ${topic} changed while its offsets were read, ${attempt} times`);
  }
}

/** A topic's log read once, without joining a group (the Spark launcher's check before the job starts). */
export async function readTopicLog(config: KafkaConfig, topic: string): Promise<TopicLog> {
  const cluster = new KafkaCluster(config, { connectTimeoutMs: 5_000, requestTimeoutMs: 30_000 });
  try {
    let leaders = new Map<number, number>();
    let count = 0;
    return await consistentTopicLog(
      topic,
      async () => {
        const metadata = await cluster.topicMetadata(topic);
        leaders = new Map(metadata.partitions.filter((p) => p.leader >= 0).map((p) => [p.partition, p.leader]));
        count = metadata.partitions.length;
        return metadata.topicId;
      },
      () => listOffsetBounds(cluster, topic, leaders, count),
    );
  } finally {
    cluster.close();
  }
}

function checked(offset: PartitionOffset, topic: string): number {
  if (offset.errorCode !== 0) throw new KafkaProtocolError(offset.errorCode, `ListOffsets of ${topic} partition ${offset.partition}`);
  return offset.offset;
}
