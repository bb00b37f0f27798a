import type { CustomerPool } from './customers.js';
import { DAY_MS, weekday } from './days.js';
import { DAILY_VOLUME_SIGMA, HOME_CURRENCIES, WEEKDAY_VOLUME } from './feed-mix.js';
import { Random } from './random.js';
import type { DayEffects } from './scenarios.js';

/**
 * Where a day's operations come from: the regular book, plus what scenarios
 * add (new customers of an accounts surge, extra operations of active
 * customers, poison at set times). Each source has its own random streams,
 * so adding a scenario leaves the regular operations exactly as they were.
 */
export type SourceKind = 'regular' | 'surge' | 'frequency' | 'poison';

export interface OperationSource {
  readonly kind: SourceKind;
  /** Forces the currency of its operations (scenario aimed at one currency). */
  readonly currency?: number;
  /** Draws of customers and operation attributes. */
  readonly random: Random;
  /** Next start time (ms), Infinity when the source is exhausted. */
  next(): number;
}

/** `count` sorted uniform times in [start, end), drawn one by one (order statistics). */
function sortedUniform(random: Random, start: number, end: number, count: number): () => number {
  let u = 0;
  let remaining = count;
  return () => {
    if (remaining <= 0) return Infinity;
    u = 1 - (1 - u) * random.float() ** (1 / remaining);
    remaining--;
    return start + Math.floor(u * (end - start));
  };
}

export interface DayPlanInput {
  readonly seed: number;
  readonly day: number;
  /** Start of the generated window within the day (a live tail starts mid-day). */
  readonly windowStart: number;
  readonly transactionsPerDay: number;
  /** No weekday pattern or daily noise: a live tail keeps a steady rate. */
  readonly steady: boolean;
  readonly effects: DayEffects;
}

/** Regular operations of the day: the mean, shaped by the weekday and a little noise. */
export function regularOperations(input: DayPlanInput): number {
  if (input.steady) return input.transactionsPerDay;
  const noise = Math.exp(DAILY_VOLUME_SIGMA * new Random(input.seed, 'volume', input.day).normal());
  return Math.round(input.transactionsPerDay * WEEKDAY_VOLUME[weekday(input.day)]! * noise);
}

function shareOf(currency: number | undefined): number {
  return currency === undefined ? 1 : HOME_CURRENCIES.share(currency) || 1;
}

export function daySources(input: DayPlanInput): OperationSource[] {
  const { seed, day, windowStart, effects } = input;
  const dayEnd = (day + 1) * DAY_MS;
  const fraction = (dayEnd - windowStart) / DAY_MS;
  const regular = regularOperations(input);
  const source = (kind: SourceKind, index: number, count: number, currency?: number): OperationSource => {
    const next = sortedUniform(new Random(seed, kind, 'starts', day, index), windowStart, dayEnd, Math.round(count * fraction));
    return { kind, ...(currency === undefined ? {} : { currency }), random: new Random(seed, kind, 'operations', day, index), next };
  };
  const sources = [source('regular', 0, regular)];
  effects.surges.forEach((s, i) => sources.push(source('surge', i, regular * s.change * shareOf(s.currency), s.currency)));
  effects.frequencies.forEach((s, i) => {
    if (s.change > 0) sources.push(source('frequency', i, regular * s.change * shareOf(s.currency), s.currency));
  });
  if (effects.poisonCount > 0) sources.push(source('poison', 0, effects.poisonCount / fraction));
  return sources;
}

/**
 * The day's active customers, tracked only when a frequency scenario needs
 * them: extra operations go to customers already active, and a negative
 * frequency thins operations of customers already seen.
 */
export class ActiveCustomers {
  readonly #seenOn: Int32Array;
  readonly #byCurrency = new Map<number, number[]>();
  readonly #all: number[] = [];
  #day = -1;

  constructor(private readonly pool: CustomerPool) {
    this.#seenOn = new Int32Array(pool.size).fill(-1);
  }

  startDay(day: number): void {
    this.#day = day;
    this.#byCurrency.clear();
    this.#all.length = 0;
  }

  /** Records a customer's operation; returns whether they were already active today. */
  mark(customer: number): boolean {
    if (customer >= this.pool.size) return false;
    if (this.#seenOn[customer] === this.#day) return true;
    this.#seenOn[customer] = this.#day;
    this.#all.push(customer);
    const currency = this.pool.homeCurrency(customer);
    let list = this.#byCurrency.get(currency);
    if (!list) this.#byCurrency.set(currency, (list = []));
    list.push(customer);
    return false;
  }

  /** A random customer active today (in that home currency), or undefined if none yet. */
  pick(random: Random, currency?: number): number | undefined {
    const list = currency === undefined ? this.#all : this.#byCurrency.get(currency);
    return list && list.length > 0 ? list[random.int(list.length)] : undefined;
  }
}
