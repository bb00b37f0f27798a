import type { KafkaConfig } from '../../src/kafka/kafka-config.js';
import type { Api } from '../../src/kafka/wire/apis/api.js';
import { BrokerConnection } from '../../src/kafka/wire/broker-connection.js';
import { KafkaCluster } from '../../src/kafka/wire/cluster.js';
import { KafkaProtocolError } from '../../src/kafka/wire/kafka-error-codes.js';

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
 * Sends hand-built record batches (raw-batch.ts) to a partition's leader, as
 * a hostile or unusual producer would: header names kafkajs cannot send,
 * timestamps at both ends of int64, transactional and control layouts.
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

  close(): void {
    this.#cluster.close();
  }
}
