import { generateFeed, parseScenario } from '../../src/generator/index.js';
import { partitionForKey } from '../../src/kafka/partitioner.js';
import { fixtureRates, rateMessage } from '../marts/marts-support.js';
import { fixtureValues } from '../staging/landing-support.js';

/** A record of the chaos feed and the partition it goes to. */
export interface FeedRecord {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer;
}

export interface ChaosFeedOptions {
  readonly partitions: number;
  readonly seed: number;
  /** Operations a generated day starts (about three messages each). */
  readonly transactionsPerDay: number;
}

const FIXTURE_RATE_DAYS = new Set(['2022-10-01', '2022-10-02', '2022-10-03']);
const FIRST_GENERATED_DAY = '2022-10-04';
// far enough that no run reaches it: the feed is drawn lazily, as fast as the producer sends
const LAST_GENERATED_DAY = '2024-12-31';
const EVERY_DAY = `${FIRST_GENERATED_DAY}..${LAST_GENERATED_DAY}`;

/**
 * The chaos run's feed, endless: the live-feed fixtures (their days' rates,
 * then every real message) and after them the generator's days from
 * 2022-10-04 on, each with redeliveries, corrections (a different payload
 * under a natural key: STG conflicts), events delivered two days late, and
 * poison messages of every reject reason. Keyed like a producer keyed by the
 * object id: every version of a natural key on one partition, in order.
 */
export function* chaosFeed(options: ChaosFeedOptions): Generator<FeedRecord> {
  const keyed = (key: string | null, value: Buffer, n: number): FeedRecord => ({
    partition: key === null ? n % options.partitions : partitionForKey(key, options.partitions),
    key: key === null ? null : Buffer.from(key, 'utf8'),
    value,
  });
  let n = 0;
  for (const rate of fixtureRates().filter((r) => FIXTURE_RATE_DAYS.has(r.dateUpdate))) {
    const value = rateMessage(rate);
    yield keyed(objectIdOf(value), value, n++);
  }
  for (const value of fixtureValues()) yield keyed(objectIdOf(value), value, n++);
  const generated = generateFeed({
    seed: options.seed,
    from: FIRST_GENERATED_DAY,
    to: LAST_GENERATED_DAY,
    transactionsPerDay: options.transactionsPerDay,
    scenarios: [`redeliveries:5%@${EVERY_DAY}`, `corrections:4%@${EVERY_DAY}`, `late:8%:2d@${EVERY_DAY}`, `poison:4@${EVERY_DAY}`].map(parseScenario),
  });
  for (const message of generated) {
    const value = typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : message.value;
    yield keyed(message.key, value, n++);
  }
}

function objectIdOf(value: Buffer): string | null {
  try {
    const id = (JSON.parse(value.toString('utf8')) as { object_id?: unknown }).object_id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
