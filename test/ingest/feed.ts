import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProducer, type KafkaConfig, type ProducedMessage } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import type { AcknowledgedProducer } from '../support/acknowledged-producer.js';
import { LIVE_FEED } from '../support/paths.js';

/**
 * Messages of the live feed's shape for ingest tests and benchmarks: the real
 * fixture messages as templates, each copy with its own ids (object_id /
 * operation_id), so values are realistic bytes and all distinct.
 */
export function liveFeedTemplates(): string[] {
  return [LIVE_FEED.messages, LIVE_FEED.transactions100]
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.trim().length > 0);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Message value number `i`: a template with its UUIDs replaced by ones derived from `i`; padded to `targetBytes` when given. */
export function feedValue(templates: readonly string[], i: number, targetBytes?: number): Buffer {
  const template = templates[i % templates.length]!;
  const id = idFor(i);
  let text = template.replace(UUID, id);
  if (targetBytes !== undefined && text.length < targetBytes - 16) {
    // a padding field inside the envelope keeps the value valid JSON of the wanted size
    text = `${text.slice(0, -1)}, "padding": "${'x'.repeat(targetBytes - text.length - 15)}"}`;
  }
  return Buffer.from(text, 'utf8');
}

function idFor(i: number): string {
  const h = createHash('md5').update(`turnover-feed-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface ProducedFeed {
  /** Per partition, the values in offset order (offsets 0..n-1 on a fresh topic). */
  readonly values: Map<number, Buffer[]>;
}

/**
 * Produces messages `from` … `from + count - 1` round-robin over the
 * partitions, in order per partition (one in-flight send per partition), and
 * records what it sent.
 */
export async function produceFeed(
  kafka: KafkaConfig,
  topic: string,
  options: { from: number; count: number; partitions: number; targetBytes?: number; into?: Map<number, Buffer[]>; batch?: number; templates?: readonly string[] },
): Promise<Map<number, Buffer[]>> {
  const templates = options.templates ?? liveFeedTemplates();
  const values = options.into ?? new Map<number, Buffer[]>();
  const batch = options.batch ?? 2_000;
  // Recent timestamps: Kafka's time-based retention judges segments by them (2022 ones would be deleted at once).
  const baseTimestamp = Date.now() - options.count;
  const producer = createProducer(kafka, silentLogger());
  try {
    const perPartition = new Map<number, ProducedMessage[][]>();
    for (let p = 0; p < options.partitions; p++) perPartition.set(p, []);
    for (let i = options.from; i < options.from + options.count; i++) {
      const partition = i % options.partitions;
      const value = feedValue(templates, i, options.targetBytes);
      const batches = perPartition.get(partition)!;
      if (batches.length === 0 || batches[batches.length - 1]!.length >= batch) batches.push([]);
      batches[batches.length - 1]!.push({ partition, key: null, value, timestamp: baseTimestamp + i });
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

export interface FeedOptions {
  readonly total: number;
  readonly partitions: number;
  /** Records per send (all to one partition). */
  readonly perSend: number;
  /** Never more than `records` produced and not yet landed: the feed lasts as long as the landing, whatever their speeds. */
  readonly ahead?: { readonly records: number; readonly landed: () => Promise<number> };
}

/**
 * The live feed produced continuously through an AcknowledgedProducer:
 * records 0 … total-1, `perSend` at a time to one partition after the other,
 * never far ahead of the landing when `ahead` is given. A fault test waits
 * for marks (`reached`) to strike mid-stream, and can hold the feed before a
 * mark until the system is ready for the next fault (`holdBefore`), so that
 * fault too strikes while records are still coming.
 */
export class ContinuousFeed {
  readonly #producer: AcknowledgedProducer;
  readonly #options: FeedOptions;
  readonly #marks: { count: number; reached: () => void; failed: (error: unknown) => void }[] = [];
  readonly #holds: { index: number; release: Promise<void> }[] = [];
  #sent = 0;
  #failure: unknown;
  #running: Promise<void> | undefined;

  constructor(producer: AcknowledgedProducer, options: FeedOptions) {
    this.#producer = producer;
    this.#options = options;
  }

  /** The feed will wait before sending record number `index` (0-based) until the returned function is called. */
  holdBefore(index: number): () => void {
    let release!: () => void;
    this.#holds.push({ index, release: new Promise<void>((resolve) => (release = resolve)) });
    return release;
  }

  /** Starts producing in the background. */
  start(): void {
    this.#running ??= this.#produce().catch((error: unknown) => {
      this.#failure = error;
      for (const mark of this.#marks.splice(0)) mark.failed(error);
    });
  }

  /** Resolves once `count` records are acknowledged; rejects if the feed fails before. */
  reached(count: number): Promise<void> {
    if (this.#sent >= count) return Promise.resolve();
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#marks.push({ count, reached: resolve, failed: reject }));
  }

  /** Resolves when the last record is acknowledged; rejects with the first send that failed. */
  async done(): Promise<void> {
    await this.#running;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #produce(): Promise<void> {
    const templates = liveFeedTemplates();
    const { total, partitions, perSend, ahead } = this.#options;
    for (let batch = 0; this.#sent < total; batch++) {
      const count = Math.min(perSend, total - this.#sent);
      if (ahead) await waitForLanding(ahead, this.#sent + count - ahead.records);
      for (const hold of this.#holds) if (hold.index >= this.#sent && hold.index < this.#sent + count) await hold.release;
      const records = Array.from({ length: count }, (_, k) => {
        const i = this.#sent + k;
        // keys as producers send them: mostly present, sometimes absent
        return { key: i % 5 === 0 ? null : Buffer.from(`op-${i}`), value: feedValue(templates, i) };
      });
      await this.#producer.send(batch % partitions, records);
      this.#sent += count;
      for (const mark of this.#marks.filter((m) => m.count <= this.#sent)) {
        this.#marks.splice(this.#marks.indexOf(mark), 1);
        mark.reached();
      }
    }
  }
}

const LANDING_STALLED_MS = 180_000;

/** Until `landed()` reaches `target`; fails when it stops moving for minutes (the feed must not wait forever). */
async function waitForLanding(ahead: NonNullable<FeedOptions['ahead']>, target: number): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const landed = await ahead.landed();
    if (landed >= target) return;
    if (landed !== last) [last, movedAt] = [landed, Date.now()];
    if (Date.now() - movedAt > LANDING_STALLED_MS) throw new Error(`the feed waited for the landing, stuck at ${landed} records for ${LANDING_STALLED_MS / 1000} s`);
    await sleep(100);
  }
}
