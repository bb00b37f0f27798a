import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { KafkaConfig } from '../../src/kafka/index.js';

/** A record as the broker acknowledged it: where it is in the log and its exact bytes. */
export interface AcknowledgedRecord {
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
  /** The record's Kafka timestamp (ms), when the sender chose it. */
  readonly timestamp?: number;
}

/**
 * A producer for fault tests whose own list of acknowledged records is the
 * expectation: acks=all, idempotent (a send retried across a leader change is
 * written once, so the log holds nothing the list does not) and one request
 * in flight (the log keeps the send order). kafkajs directly, a client
 * independent of the ingester's. It retries for about two minutes (a leader
 * election takes seconds), so a send fails only when the cluster is really
 * broken, and the test then fails instead of hanging.
 */
export class AcknowledgedProducer {
  readonly #producer: Producer;
  readonly #topic: string;
  #connected: Promise<void> | undefined;
  /** Per partition, every acknowledged record in offset order. */
  readonly acknowledged = new Map<number, AcknowledgedRecord[]>();

  constructor(kafka: KafkaConfig, topic: string) {
    this.#topic = topic;
    // the client's own retries too: with its only broker down, kafkajs reconnects inside a send with
    // the client's policy, and gives up on the send when that one runs out
    const retry = { retries: 60, initialRetryTime: 200, maxRetryTime: 2_000 };
    this.#producer = new Kafka({ clientId: 'turnover-test-producer', brokers: [...kafka.brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 15_000, retry }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry,
    });
  }

  get count(): number {
    let n = 0;
    for (const records of this.acknowledged.values()) n += records.length;
    return n;
  }

  /** Sends records to one partition and keeps them with the offsets the broker gave them. */
  async send(partition: number, records: readonly { key: Buffer | null; value: Buffer; timestamp?: number }[]): Promise<void> {
    this.#connected ??= this.#producer.connect();
    await this.#connected;
    const [ack] = await this.#producer.send({
      topic: this.#topic,
      acks: -1,
      messages: records.map((r) => ({ partition, key: r.key, value: r.value, ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }) })),
    });
    if (!ack || ack.partition !== partition || ack.baseOffset === undefined) throw new Error(`no acknowledgement for partition ${partition}: ${JSON.stringify(ack)}`);
    const base = Number(ack.baseOffset);
    const list = this.acknowledged.get(partition) ?? [];
    this.acknowledged.set(partition, list);
    records.forEach((r, i) => list.push({ offset: base + i, key: r.key, value: r.value, ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }) }));
  }

  async close(): Promise<void> {
    if (this.#connected) await this.#producer.disconnect().catch(() => undefined);
  }
}
