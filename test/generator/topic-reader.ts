import { createAdmin, createConsumer, decodeRecords, type ConsumedRecord, type KafkaConfig } from '../../src/kafka/index.js';
import type { Logger } from '../../src/log/logger.js';

export interface ReadRecord extends ConsumedRecord {
  readonly partition: number;
}

/**
 * Every record of a topic, from offset 0 to the end offsets it has now,
 * through our consumer interface; records per partition in offset order.
 */
export async function readTopic(kafka: KafkaConfig, topic: string, logger: Logger, timeoutMs = 60_000): Promise<ReadRecord[]> {
  const admin = createAdmin(kafka, logger);
  let ends: Map<number, number>;
  try {
    ends = new Map((await admin.topicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.close();
  }
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  const records: ReadRecord[] = [];
  if (total === 0) return records;
  const consumer = createConsumer(kafka, { topic, group: `reader-${topic}-${Date.now()}`, sessionTimeoutMs: 10_000, maxBytesPerPartition: 4 << 20 }, logger);
  const next = new Map<number, number>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${total} records of ${topic} in ${timeoutMs} ms`)), timeoutMs);
      consumer
        .start({
          onAssignment: ({ partitions }) => {
            for (const p of partitions) consumer.seek(p, next.get(p) ?? 0);
          },
          onBatch: async (batch) => {
            if (batch.fetchOffset !== (next.get(batch.partition) ?? 0)) return;
            const end = ends.get(batch.partition) ?? 0;
            for (const r of decodeRecords(batch)) if (r.offset < end) records.push({ ...r, partition: batch.partition });
            next.set(batch.partition, batch.nextOffset);
            if (records.length >= total) {
              clearTimeout(timer);
              resolve();
            }
          },
          onFatal: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.close();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
