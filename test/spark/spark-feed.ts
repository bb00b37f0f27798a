import { createAdmin, createProducer, type KafkaConfig, type ProducedMessage } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { feedValue, liveFeedTemplates } from '../ingest/feed.js';

/**
 * Produces messages `from` … `from + count - 1` of the live feed's shape
 * (test/ingest/feed.ts values) round-robin over the partitions, in order per
 * partition, and records the values per partition in offset order.
 *
 * Record timestamps are "now": the local broker keeps 168 hours by time, so
 * records stamped with the feed's own 2022 dates are deleted by the next
 * retention check (every 5 minutes), under a running Spark job.
 */
export async function produceRecent(
  kafka: KafkaConfig,
  topic: string,
  options: { from: number; count: number; partitions: number; targetBytes?: number; into?: Map<number, Buffer[]>; batch?: number },
): Promise<Map<number, Buffer[]>> {
  const templates = liveFeedTemplates();
  const values = options.into ?? new Map<number, Buffer[]>();
  const batch = options.batch ?? 2_000;
  const producer = createProducer(kafka, silentLogger());
  const now = Date.now();
  try {
    const perPartition = new Map<number, ProducedMessage[][]>();
    for (let p = 0; p < options.partitions; p++) perPartition.set(p, []);
    for (let i = options.from; i < options.from + options.count; i++) {
      const partition = i % options.partitions;
      const value = feedValue(templates, i, options.targetBytes);
      const batches = perPartition.get(partition)!;
      if (batches.length === 0 || batches[batches.length - 1]!.length >= batch) batches.push([]);
      batches[batches.length - 1]!.push({ partition, key: null, value, timestamp: now + i - options.from });
      if (!values.has(partition)) values.set(partition, []);
      values.get(partition)!.push(value);
    }
    await Promise.all(
      [...perPartition.values()].map(async (batches) => {
        for (const messages of batches) await producer.send(topic, messages);
      }),
    );
  } finally {
    await producer.close();
  }
  return values;
}

/** A topic created here (benchmarks and manual runs; tests use useStack().freshTopic). */
export async function createTopic(kafka: KafkaConfig, topic: string, partitions: number): Promise<void> {
  const admin = createAdmin(kafka, silentLogger());
  try {
    await admin.createTopic(topic, partitions);
  } finally {
    await admin.close();
  }
}
