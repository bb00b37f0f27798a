import { partitionForKey, type KafkaProducer, type ProducedMessage } from '../../kafka/index.js';
import type { FeedSink, SinkMessage } from './feed-sink.js';

export type KeyMode = 'object-id' | 'none';

export interface KafkaSinkOptions {
  readonly topic: string;
  readonly partitions: number;
  /** object-id: key = the message's object_id, partition by Kafka's murmur2 rule; none: no key, round robin. */
  readonly keys: KeyMode;
  /** Messages per partition per produce request. */
  readonly batchSize: number;
  /** Bytes per partition per produce request (the broker refuses batches over message.max.bytes, 1 MiB by default). */
  readonly batchBytes?: number;
}

/**
 * Batches messages per partition and keeps one produce request in flight per
 * partition: partitions are sent in parallel, and within a partition batches
 * go one after another, so a retried batch cannot overtake the next one (the
 * status events of one operation keep their order). The first failure stops
 * the sink and is raised on the next call.
 */
export class KafkaSink implements FeedSink {
  readonly target: string;
  readonly #producer: KafkaProducer;
  readonly #options: Required<KafkaSinkOptions>;
  readonly #batches: ProducedMessage[][];
  readonly #bytes: number[];
  readonly #inFlight: (Promise<void> | undefined)[];
  #roundRobin = 0;
  #error: unknown;
  #failed = false;

  constructor(producer: KafkaProducer, options: KafkaSinkOptions) {
    this.#producer = producer;
    this.#options = { batchBytes: 900_000, ...options };
    this.target = `topic ${options.topic} (${options.partitions} partitions)`;
    this.#batches = Array.from({ length: options.partitions }, () => []);
    this.#bytes = new Array<number>(options.partitions).fill(0);
    this.#inFlight = new Array<Promise<void> | undefined>(options.partitions).fill(undefined);
  }

  write(message: SinkMessage): Promise<void> | undefined {
    if (this.#failed) throw this.#error;
    const { partitions, keys } = this.#options;
    const keyed = keys === 'object-id' && message.key !== null;
    const partition = keyed ? partitionForKey(message.key!, partitions) : this.#roundRobin++ % partitions;
    const batch = this.#batches[partition]!;
    batch.push({ key: keyed ? message.key : null, value: message.value, partition });
    this.#bytes[partition]! += message.value === null ? 0 : message.value.length + 70;
    if (batch.length < this.#options.batchSize && this.#bytes[partition]! < this.#options.batchBytes) return undefined;
    return this.#dispatch(partition);
  }

  /** Sends the partition's batch after its previous request; resolves when that previous one is acknowledged. */
  #dispatch(partition: number): Promise<void> | undefined {
    const batch = this.#batches[partition]!;
    if (batch.length === 0) return undefined;
    this.#batches[partition] = [];
    this.#bytes[partition] = 0;
    const previous = this.#inFlight[partition];
    const send = (): Promise<void> =>
      this.#failed
        ? Promise.resolve()
        : this.#producer.send(this.#options.topic, batch).catch((error: unknown) => {
            this.#failed = true;
            this.#error ??= error;
          });
    if (previous === undefined) {
      this.#inFlight[partition] = send();
      return undefined;
    }
    this.#inFlight[partition] = previous.then(send);
    // the caller waits until the partition's previous request is acknowledged: back-pressure
    return previous.then(() => {
      if (this.#failed) throw this.#error;
    });
  }

  async flush(): Promise<void> {
    for (let p = 0; p < this.#batches.length; p++) await this.#dispatch(p);
    await Promise.all(this.#inFlight);
    if (this.#failed) throw this.#error;
  }

  async close(): Promise<void> {
    try {
      if (!this.#failed) await this.flush();
    } finally {
      await this.#producer.close();
    }
    if (this.#failed) throw this.#error;
  }
}
