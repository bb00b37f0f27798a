import { addDays, clampedDay } from '../contracts/days.js';
import { UsageError } from '../errors.js';
import { kafkaConfigFrom, type KafkaConfig, type ProducerLibrary } from '../kafka/index.js';
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

export function destinationFrom(options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): Destination {
  if (typeof options.out === 'string' && options.out) return { kind: 'file', path: options.out };
  return {
    kind: 'kafka',
    kafka: kafkaConfigFrom(options, env),
    topic: String(options.topic),
    partitions: Number(options.partitions),
    keys: options.key as KeyMode,
    producer: options.producer as ProducerLibrary,
    batchSize: Number(options.batchSize),
  };
}

/**
 * CLI options → frozen config. With neither an interval nor a rate, the run
 * is the last 7 full days; with only --from, up to yesterday; with only --to,
 * the 7 days ending there.
 */
export function generateConfigFrom(options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv, now: Date): GenerateConfig {
  const notes: string[] = [];
  const yesterday = addDays(now.toISOString().slice(0, 10), -1);
  const rate = options.rate as number | undefined;
  let from = options.from as string | undefined;
  let to = options.to as string | undefined;
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
  const scenarios = ((options.scenario as string[] | undefined) ?? []).map(parseScenario);
  if (options.customers !== undefined && Number(options.customers) > MAX_CUSTOMERS) {
    throw new UsageError(`--customers ${String(options.customers)} is more than the ${MAX_CUSTOMERS.toLocaleString('en-US')} accounts the generator can number`);
  }
  return Object.freeze({
    seed: Number(options.seed),
    ...(from !== undefined && to !== undefined ? { range: Object.freeze({ from, to }) } : {}),
    ...(rate === undefined ? {} : { rate }),
    transactionsPerDay: Number(options.transactionsPerDay),
    ...(options.customers === undefined ? {} : { customers: Number(options.customers) }),
    scenarios: Object.freeze(scenarios),
    ...(options.maxMessages === undefined ? {} : { maxMessages: Number(options.maxMessages) }),
    skipMessages: options.skipMessages === undefined ? 0 : Number(options.skipMessages),
    json: options.json === true,
    destination: Object.freeze(destinationFrom(options, env)),
    notes: Object.freeze(notes),
  });
}
