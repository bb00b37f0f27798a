import { addDays, clampedDay } from '../contracts/days.js';
import { UsageError } from '../errors.js';
import { kafkaConfigFrom, type KafkaConfig, type KafkaSecrets, type ProducerLibrary } from '../kafka/index.js';
import type { GenerateOptions, ReplayOptions } from './command.js';
import { MESSAGES_PER_OPERATION } from './feed-mix.js';
import { parseScenario, type Scenario } from './scenarios.js';
import type { KeyMode } from './sinks/kafka-sink.js';

/** Where the messages go: a file, or Kafka. */
export type Destination =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'kafka'; readonly kafka: KafkaConfig; readonly topic: string; readonly partitions: number; readonly keys: KeyMode; readonly producer: ProducerLibrary; readonly batchSize: number };

export interface GenerateConfig {
  readonly seed: number;
  /** The backfill: whole days, as fast as the sink takes them. */
  readonly range?: { readonly from: string; readonly to: string };
  /** The live tail after the backfill: messages/s, timestamps = wall clock, until stopped. */
  readonly rate?: number;
  readonly transactionsPerDay: number;
  readonly customers?: number;
  readonly scenarios: readonly Scenario[];
  readonly maxMessages?: number;
  /** Messages generated but not sent at the start (resuming an interrupted run). */
  readonly skipMessages: number;
  readonly json: boolean;
  readonly destination: Destination;
  /** What the defaults decided, said once at the start. */
  readonly notes: readonly string[];
}

/** Customer accounts are 6–7 digit numbers; half of that space is the book, the rest is for new customers. */
const MAX_CUSTOMERS = 4_000_000;

/** Operations per day that give `rate` messages per second on average. */
export function transactionsPerDayForRate(rate: number): number {
  return Math.max(1, Math.round((rate * 86_400) / MESSAGES_PER_OPERATION));
}

/** generate's and replay's options that say where the messages go (generate's are a superset). */
export type DestinationOptions = Omit<ReplayOptions, 'json'>;

export function destinationFrom(options: DestinationOptions, secrets: KafkaSecrets): Destination {
  if (options.out) return { kind: 'file', path: options.out };
  return {
    kind: 'kafka',
    kafka: kafkaConfigFrom(options, secrets),
    topic: options.topic,
    partitions: options.partitions,
    keys: options.key,
    producer: options.producer,
    batchSize: options.batchSize,
  };
}

/**
 * CLI options → frozen config. With neither an interval nor a rate, the run
 * is the last 7 full days; with only --from, up to yesterday; with only --to,
 * the 7 days ending there.
 */
export function generateConfigFrom(options: GenerateOptions, secrets: KafkaSecrets, now: Date): GenerateConfig {
  const notes: string[] = [];
  const yesterday = addDays(now.toISOString().slice(0, 10), -1);
  const { rate, customers, maxMessages, skipMessages } = options;
  let { from, to } = options;
  if (from === undefined && to === undefined && rate === undefined) {
    from = addDays(yesterday, -6);
    to = yesterday;
    notes.push(`no --from/--to/--rate: generating the last 7 days, ${from}..${to}`);
  } else if (from !== undefined && to === undefined) {
    to = from <= yesterday ? yesterday : from;
    notes.push(`no --to: generating up to ${to}`);
  } else if (from === undefined && to !== undefined) {
    // a --to in the contract's first week: from its first day, never a day it refuses
    from = clampedDay(to, -6);
    notes.push(`no --from: generating the 7 days ${from}..${to}`);
  }
  if (from !== undefined && to !== undefined && to < from) throw new UsageError(`--to ${to} is before --from ${from}`);
  if (rate !== undefined && from !== undefined && to !== undefined && to > yesterday) {
    // the live tail covers today from now on; a backfill of today would put future events in the topic
    notes.push(`with --rate the backfill stops at ${yesterday}; the live tail starts now`);
    to = yesterday;
    if (from > to) from = to = undefined;
  }
  const scenarios = (options.scenario ?? []).map(parseScenario);
  if (customers !== undefined && customers > MAX_CUSTOMERS) {
    throw new UsageError(`--customers ${String(customers)} is more than the ${MAX_CUSTOMERS.toLocaleString('en-US')} accounts the generator can number`);
  }
  return Object.freeze({
    seed: options.seed,
    ...(from !== undefined && to !== undefined ? { range: Object.freeze({ from, to }) } : {}),
    ...(rate === undefined ? {} : { rate }),
    transactionsPerDay: options.transactionsPerDay,
    ...(customers === undefined ? {} : { customers }),
    scenarios: Object.freeze(scenarios),
    ...(maxMessages === undefined ? {} : { maxMessages }),
    skipMessages: skipMessages ?? 0,
    json: options.json,
    destination: Object.freeze(destinationFrom(options, secrets)),
    notes: Object.freeze(notes),
  });
}
