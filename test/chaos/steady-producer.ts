import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaConfig } from '../../src/kafka/index.js';
import { AcknowledgedProducer } from '../support/acknowledged-producer.js';
import type { FeedRecord } from './chaos-feed.js';

const TICK_MS = 100;
/** Records of one partition in one produce request, at most (a backlog after a broker outage goes out in pieces). */
const MAX_SEND = 2_000;

/**
 * Produces a feed at a steady rate for as long as it runs: every tick, what
 * the rate says is due since the start, one request per partition. While
 * Kafka is away a send waits (the producer retries for about two minutes),
 * and the backlog goes out when it is back, so the rate holds on average.
 * The producer's acknowledged list (AcknowledgedProducer: acks=all,
 * idempotent, one request in flight) is what the landing must equal; each
 * record carries its send time as Kafka timestamp, so a record without a
 * business date is dated by a known day.
 */
export class SteadyProducer {
  readonly producer: AcknowledgedProducer;
  readonly #feed: Iterator<FeedRecord>;
  readonly #rate: number;
  #running: Promise<void> | undefined;
  #stopping = false;
  #error: Error | undefined;
  /** Records the rate says were due but are not acknowledged yet (a backlog while Kafka is away). */
  #behind = 0;

  constructor(kafka: KafkaConfig, topic: string, feed: Iterator<FeedRecord>, ratePerSecond: number) {
    this.producer = new AcknowledgedProducer(kafka, topic);
    this.#feed = feed;
    this.#rate = ratePerSecond;
  }

  /** The send that failed for good, if one did (the run is then broken: Kafka never came back). */
  get error(): Error | undefined {
    return this.#error;
  }

  /** True when no more than a tick's worth of records waits to be sent: no backlog from an outage. */
  get onSchedule(): boolean {
    return this.#behind <= Math.max(1, (this.#rate * TICK_MS) / 1000) * 2;
  }

  /** Per partition, the end of the acknowledged log (the next offset): what must be landed. */
  acknowledgedEnds(): Map<number, number> {
    return new Map([...this.producer.acknowledged].map(([p, records]) => [p, records.length === 0 ? 0 : records[records.length - 1]!.offset + 1]));
  }

  start(): void {
    this.#running ??= this.#run().catch((error: unknown) => {
      this.#error = error as Error;
    });
  }

  /** Stops producing; resolves when the last send was acknowledged. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.producer.close();
  }

  async #run(): Promise<void> {
    const started = Date.now();
    let taken = 0;
    while (!this.#stopping) {
      const due = Math.floor(((Date.now() - started) * this.#rate) / 1000) - taken;
      const byPartition = new Map<number, { key: Buffer | null; value: Buffer; timestamp: number }[]>();
      for (let i = 0; i < due; i++) {
        const next = this.#feed.next();
        if (next.done) throw new Error('the chaos feed ended');
        const list = byPartition.get(next.value.partition) ?? [];
        byPartition.set(next.value.partition, list);
        list.push({ key: next.value.key, value: next.value.value, timestamp: Date.now() });
      }
      taken += due;
      for (const [partition, records] of [...byPartition].sort(([a], [b]) => a - b)) {
        for (let i = 0; i < records.length; i += MAX_SEND) await this.producer.send(partition, records.slice(i, i + MAX_SEND));
      }
      this.#behind = Math.floor(((Date.now() - started) * this.#rate) / 1000) - taken;
      await sleep(TICK_MS);
    }
  }
}
