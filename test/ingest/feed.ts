import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createProducer, type KafkaConfig, type ProducedMessage } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
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
  options: { from: number; count: number; partitions: number; targetBytes?: number; into?: Map<number, Buffer[]>; batch?: number },
): Promise<Map<number, Buffer[]>> {
  const templates = liveFeedTemplates();
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

/** sha256 of the concatenated values of one partition, in offset order (what landed must hash the same). */
export function valuesHash(values: readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const v of values) hash.update(v);
  return hash.digest('hex');
}
