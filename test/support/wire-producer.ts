import { Admin, Producer } from '@platformatic/kafka';
import type { KafkaConfig } from '../../src/kafka/index.js';
import { sendBatches } from '../../src/kafka/platformatic/fast-produce.js';
import { encodeRecordBatch, type WireRecord } from '../../src/kafka/platformatic/record-batch.js';

export type { WireHeader, WireRecord } from '../../src/kafka/platformatic/record-batch.js';

/** Kafka's int64 ends: the largest timestamp a topic can be told to accept is Long.MAX_VALUE - 1 (PLATFORM.md). */
export const LONG_MAX = 9_223_372_036_854_775_807n;

/**
 * A hostile producer: records go to the broker exactly as given (headers as
 * ordered byte pairs, any int64 timestamp), which neither kafkajs nor the
 * Java client can send. Our record-batch encoder, one batch per record (so
 * timestamps far apart need no delta) and one Produce request per batch (the
 * broker refuses a request with two v2 batches for one partition), in order.
 */
export async function produceWire(kafka: KafkaConfig, topic: string, partition: number, records: readonly WireRecord[]): Promise<void> {
  const producer = new Producer({ clientId: 'turnover-test-wire', bootstrapBrokers: [...kafka.brokers], autocreateTopics: false });
  try {
    // the partition's leader, asked directly (getSendConnections maps partitions with `&` instead of `%` in 1.35)
    const leader = (await producer.metadata({ topics: [topic] })).topics.get(topic)?.partitions[partition]?.leader;
    const connection = leader === undefined ? undefined : (await producer.connectToBrokers([leader])).get(leader);
    if (!connection) throw new Error(`no leader connection for ${topic}:${partition}`);
    for (const record of records) await sendBatches(connection, topic, [[partition, encodeRecordBatch([record])]], 30_000);
  } finally {
    await producer.close();
  }
}

/**
 * A topic whose records may carry any timestamp: the broker's default refuses
 * those far in the future, and time-based retention would delete those long
 * past (a record timestamped Long.MAX_VALUE - 1 even rolls the segment before it).
 */
export async function createAnyTimestampTopic(kafka: KafkaConfig, topic: string, partitions: number): Promise<string> {
  const admin = new Admin({ clientId: 'turnover-test-wire', bootstrapBrokers: [...kafka.brokers] });
  try {
    await admin.createTopics({
      topics: [topic],
      partitions,
      replicas: 1,
      configs: [
        { name: 'message.timestamp.after.max.ms', value: String(LONG_MAX) },
        { name: 'retention.ms', value: '-1' },
      ],
    });
    // the partitions' leaders must be known before a produce request can go to them
    for (let attempt = 0; ; attempt++) {
      const found = await admin.metadata({ topics: [topic], forceUpdate: true }).then((m) => m.topics.get(topic), () => undefined);
      if (found && found.partitions.length === partitions && found.partitions.every((p) => p.leader >= 0)) break;
      if (attempt > 50) throw new Error(`topic ${topic} has no leaders yet`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.close();
  }
  return topic;
}
