import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../../src/kafka/kafka-config.js';
import type { Api } from '../../src/kafka/wire/apis/api.js';
import { BrokerConnection } from '../../src/kafka/wire/broker-connection.js';
import { KafkaCluster } from '../../src/kafka/wire/cluster.js';
import { KafkaProtocolError } from '../../src/kafka/wire/kafka-error-codes.js';
import { encodeRecord, rawBatch, type RawRecord } from '../kafka/raw-batch.js';

export type { Bytes, RawRecord } from '../kafka/raw-batch.js';

/** Kafka's int64 ends: the largest timestamp a topic can be told to accept is Long.MAX_VALUE - 1 (PLATFORM.md). */
export const LONG_MAX = 2n ** 63n - 1n;

interface ProduceRequest {
  readonly topic: string;
  readonly partition: number;
  readonly batch: Buffer;
}

/** Produce v9–v12 (flexible, topics by name), acks=all: what a raw test producer needs. */
const PRODUCE: Api<ProduceRequest, { readonly errorCode: number; readonly baseOffset: number; readonly message: string | null }> = {
  key: 0,
  name: 'Produce',
  minVersion: 9,
  maxVersion: 12,
  flexibleFrom: 9,
  encode(w, _version, request) {
    w.string(null).int16(-1).int32(30_000);
    w.array([request], (t) => {
      w.string(t.topic);
      w.array([t], (p) => {
        w.int32(p.partition).bytes(p.batch).tags();
      });
      w.tags();
    });
    w.tags();
  },
  decode(r) {
    let result = { errorCode: 0, baseOffset: -1, message: null as string | null };
    r.array(() => {
      r.string();
      r.array(() => {
        r.int32();
        const errorCode = r.int16();
        const baseOffset = r.int64();
        r.int64();
        r.int64();
        const errors = r.array(() => {
          r.int32();
          const m = r.nullableString();
          r.tags();
          return m;
        });
        const message = r.nullableString();
        r.tags();
        result = { errorCode, baseOffset, message: message ?? errors.join('; ') };
      });
      r.tags();
    });
    r.int32();
    r.tags();
    return result;
  },
};

/**
 * The test suite's one hostile producer: it sends hand-built record batches
 * (raw-batch.ts, an encoder independent of the product's) to a partition's
 * leader over our wire client, as a hostile or unusual producer would —
 * header names kafkajs and the Java client cannot send (object-prototype
 * names, NUL, invalid UTF-8, repeats, null values), timestamps at both ends
 * of int64 (one batch may span all of it), transactional and control layouts.
 */
export class RawProducer {
  readonly #cluster: KafkaCluster;

  constructor(kafka: KafkaConfig) {
    this.#cluster = new KafkaCluster(kafka, { connectTimeoutMs: 5_000, requestTimeoutMs: 30_000 });
  }

  /** Appends one batch; resolves with the offset the broker gave its first record. */
  async send(topic: string, partition: number, batch: Buffer): Promise<number> {
    const metadata = await this.#cluster.topicMetadata(topic);
    const leader = metadata.partitions.find((p) => p.partition === partition)?.leader ?? -1;
    const connection: BrokerConnection = await this.#cluster.connection(leader);
    const answer = await connection.request(PRODUCE, { topic, partition, batch });
    if (answer.errorCode !== 0) throw new KafkaProtocolError(answer.errorCode, `produce to ${topic}/${partition}`, answer.message);
    return answer.baseOffset;
  }

  /**
   * Appends the records in order, as few batches as `maxBatchBytes` allows (a
   * record larger than that goes alone); resolves with each record's offset.
   * One batch per request: the broker refuses two v2 batches for one
   * partition in one request.
   */
  async produce(topic: string, partition: number, records: readonly RawRecord[], maxBatchBytes = 1024 * 1024): Promise<number[]> {
    const offsets: number[] = [];
    let batch: RawRecord[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const base = await this.send(topic, partition, rawBatch(batch));
      offsets.push(...batch.map((_, i) => base + i));
      batch = [];
      bytes = 0;
    };
    for (const record of records) {
      const size = encodeRecord(record, 0, record.timestamp).length;
      if (bytes + size > maxBatchBytes) await flush();
      batch.push(record);
      bytes += size;
    }
    await flush();
    return offsets;
  }

  close(): void {
    this.#cluster.close();
  }
}

/** Creates a topic with topic-level configs and waits for its partitions' leaders. */
export async function createTopic(kafka: KafkaConfig, topic: string, partitions: number, configs: Readonly<Record<string, string>> = {}): Promise<string> {
  const admin = new Kafka({ brokers: [...kafka.brokers], clientId: 'turnover-test-raw', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/**
 * A topic whose records may carry any timestamp: the broker's default refuses
 * those far in the future, and time-based retention would delete those long
 * past (a record timestamped Long.MAX_VALUE - 1 even rolls the segment before it).
 */
export function createAnyTimestampTopic(kafka: KafkaConfig, topic: string, partitions: number, configs: Readonly<Record<string, string>> = {}): Promise<string> {
  return createTopic(kafka, topic, partitions, { 'message.timestamp.after.max.ms': String(LONG_MAX), 'retention.ms': '-1', ...configs });
}
