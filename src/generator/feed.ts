import { CustomerPool } from './customers.js';
import { dateOfDay, DAY_MS, dayNumber } from './days.js';
import { ActiveCustomers, daySources, type OperationSource } from './day-plan.js';
import { EventQueue, type Timed } from './event-queue.js';
import { createOperation, Operation } from './operations.js';
import { poison, type PoisonSource } from './poison.js';
import { Random } from './random.js';
import { rateObjectId, ratesOn } from './rates.js';
import { AsciiWriter, detached, renderCurrency, renderTransaction } from './render.js';
import { effectsOn, type DayEffects, type Scenario } from './scenarios.js';
import type { GeneratedMessage } from './types.js';

export interface FeedOptions {
  readonly seed: number;
  /** First day, YYYY-MM-DD (UTC). */
  readonly from: string;
  /** Last day, inclusive; absent = endless (a live tail). */
  readonly to?: string;
  /** Nothing starts before this instant (ms): a live tail begins now, not at midnight. */
  readonly startAt?: number;
  /** Mean operations started per day (each gives about 3 messages). */
  readonly transactionsPerDay: number;
  /** Same volume every day (no weekday pattern, no noise): for a live tail at a fixed rate. */
  readonly steady?: boolean;
  /** Size of the customer book; default 1.5 × transactionsPerDay, at most 2 million. */
  readonly customers?: number;
  readonly scenarios?: readonly Scenario[];
}

/** 1.5 customers per daily operation, at most two million (a live tail at 400 msg/s would ask for 17 million). */
export function defaultCustomers(transactionsPerDay: number): number {
  return Math.min(2_000_000, Math.max(100, Math.round(transactionsPerDay * 1.5)));
}

/** A message waiting in the queue: a delayed delivery, or a fresh one that scenarios may still copy. */
class Delivery implements Timed {
  seq = 0;
  constructor(
    public at: number,
    readonly message: GeneratedMessage,
    /** Fresh deliveries go through redelivery/correction/poison effects when emitted. */
    readonly correct: ((sentMs: number) => Buffer) | undefined,
  ) {}
}

type Pending = Operation | Delivery;

/** Per-day scenario state: the day's effects and the random streams of delivery effects. */
class DayState {
  readonly date: string;
  readonly effects: DayEffects;
  readonly #seed: number;
  readonly #streams = new Map<string, Random>();

  constructor(seed: number, readonly day: number, scenarios: readonly Scenario[]) {
    this.#seed = seed;
    this.date = dateOfDay(day);
    this.effects = effectsOn(scenarios, day);
  }

  stream(name: string): Random {
    let random = this.#streams.get(name);
    if (!random) this.#streams.set(name, (random = new Random(this.#seed, name, this.day)));
    return random;
  }
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/**
 * The synthetic feed, in emission order: each day's 42 rates at the start of
 * the day, then operations' status events as they happen, with the day's
 * scenarios applied. Deterministic for the options: same options, same bytes.
 * Lazy: a year of a million operations a day streams in constant memory
 * (what is in flight: operations mid-lifecycle, pending chargebacks and
 * delayed deliveries).
 */
export function* generateFeed(options: FeedOptions): Generator<GeneratedMessage> {
  const { seed } = options;
  const scenarios = options.scenarios ?? [];
  const pool = new CustomerPool(seed, options.customers ?? defaultCustomers(options.transactionsPerDay));
  const firstDay = options.startAt === undefined ? dayNumber(options.from) : Math.max(dayNumber(options.from), Math.floor(options.startAt / DAY_MS));
  const lastDay = options.to === undefined ? Infinity : dayNumber(options.to);
  const queue = new EventQueue<Pending>();
  const writer = new AsciiWriter();
  const states = new Map<number, DayState>();
  let active: ActiveCustomers | undefined;
  let poisonCounter = 0;

  const stateOf = (day: number): DayState => {
    let state = states.get(day);
    if (!state) {
      state = new DayState(seed, day, scenarios);
      states.set(day, state);
      // chargebacks reach back hours, late deliveries were decided when first due: two days suffice
      for (const old of states.keys()) if (old < day - 2) states.delete(old);
    }
    return state;
  };

  const makePoison = (state: DayState, source: PoisonSource, at: number): Delivery => {
    const bad = poison(poisonCounter++, source);
    return new Delivery(at, { key: source.objectId, value: bad.value, kind: 'POISON', emitAt: at, day: state.date, origin: 'poison', expectedReject: bad.reason }, undefined);
  };

  /** Copies, corrections and poison that follow a fresh delivery, by the day's shares. */
  const afterDelivery = (message: GeneratedMessage, state: DayState, correct: (sentMs: number) => Buffer, eventMs: number): void => {
    const { redeliveryShare, correctionShare, poisonShare } = state.effects;
    if (redeliveryShare > 0) {
      const random = state.stream('redeliveries');
      if (random.chance(redeliveryShare)) {
        const at = message.emitAt + 1000 * (1 + random.int(30));
        queue.push(new Delivery(at, { ...message, value: copyOf(message.value), emitAt: at, origin: 'redelivery' }, undefined));
      }
    }
    if (correctionShare > 0) {
      const random = state.stream('corrections');
      if (random.chance(correctionShare)) {
        const at = message.emitAt + 60_000 * (1 + random.int(10));
        queue.push(new Delivery(at, { ...message, value: detached(correct(at)), emitAt: at, origin: 'correction' }, undefined));
      }
    }
    if (poisonShare > 0) {
      const random = state.stream('poison');
      if (random.chance(poisonShare)) {
        const source: PoisonSource = message.kind === 'TRANSACTION'
          ? { transaction: message.value.toString('latin1'), objectId: message.key!, date: state.date, eventMs }
          : { transaction: poisonTransaction(state, eventMs), objectId: message.key!, date: state.date, eventMs };
        queue.push(makePoison(state, source, message.emitAt + random.int(5000)));
      }
    }
  };

  /** A plausible transaction to corrupt when the message next to the poison is a rate. */
  const poisonTransaction = (state: DayState, eventMs: number): string => {
    const op = createOperation(pool, state.stream('poison-operations'), { start: eventMs, customer: 0 });
    return renderTransaction(writer, op.parts, op.status, op.amount, eventMs, eventMs, op.spaceInSent).toString('latin1');
  };

  /** The delay of a late delivery for the next transaction event of the day, or 0 (on time). */
  const lateDelay = (state: DayState): number => {
    const late = state.effects.late;
    for (let i = 0; i < late.length; i++) {
      if (state.stream(`late-${i}`).chance(late[i]!.share)) return late[i]!.delayMs;
    }
    return 0;
  };

  /** Emits an operation's current event (or schedules its late delivery) and advances it. */
  const operationEvent = (op: Operation): GeneratedMessage | undefined => {
    const eventMs = op.at;
    const state = stateOf(Math.floor(eventMs / DAY_MS));
    const { status, amount } = op;
    let message: GeneratedMessage | undefined;
    const delay = lateDelay(state);
    if (delay > 0) {
      const at = eventMs + delay;
      const value = detached(renderTransaction(writer, op.parts, status, amount, eventMs, at, op.spaceInSent));
      queue.push(new Delivery(at, { key: op.id, value, kind: 'TRANSACTION', emitAt: at, day: state.date, origin: 'late' }, undefined));
    } else {
      const value = renderTransaction(writer, op.parts, status, amount, eventMs, eventMs, op.spaceInSent);
      message = { key: op.id, value, kind: 'TRANSACTION', emitAt: eventMs, day: state.date, origin: 'event' };
      afterDelivery(message, state, (sentMs) => renderTransaction(writer, op.parts, status, corrected(amount), eventMs, sentMs, op.spaceInSent), eventMs);
    }
    if (op.advance()) queue.push(op);
    return message;
  };

  const process = (pending: Pending): GeneratedMessage | undefined => {
    if (pending instanceof Operation) return operationEvent(pending);
    const message = pending.message;
    if (pending.correct) afterDelivery(message, stateOf(dayNumber(message.day)), pending.correct, pending.at);
    return message;
  };

  for (let day = firstDay; day <= lastDay; day++) {
    const state = stateOf(day);
    const dayStart = day * DAY_MS;
    const windowStart = Math.max(dayStart, options.startAt ?? dayStart);
    const dayEnd = dayStart + DAY_MS;

    for (const rate of ratesOn(seed, day, state.effects)) {
      const id = rateObjectId(state.date, rate.from, rate.to);
      const value = detached(renderCurrency(writer, id, state.date, dayStart, rate.from, rate.to, rate.rate));
      const message: GeneratedMessage = { key: id, value, kind: 'CURRENCY', emitAt: windowStart, day: state.date, origin: 'event' };
      queue.push(new Delivery(windowStart, message, (sentMs) => renderCurrency(writer, id, state.date, sentMs, rate.from, rate.to, round6(rate.rate * 1.01))));
    }

    const sources = daySources({ seed, day, windowStart, transactionsPerDay: options.transactionsPerDay, steady: options.steady ?? false, effects: state.effects });
    const thinning = state.effects.frequencies.filter((f) => f.change < 0);
    const tracking = state.effects.frequencies.length > 0;
    if (tracking) (active ??= new ActiveCustomers(pool)).startDay(day);
    const nextStarts = sources.map((s) => s.next());
    let surgeCounter = 0;

    for (;;) {
      let which = -1;
      let start = Infinity;
      for (let i = 0; i < nextStarts.length; i++) {
        if (nextStarts[i]! < start) {
          start = nextStarts[i]!;
          which = i;
        }
      }
      if (which < 0) break;
      nextStarts[which] = sources[which]!.next();
      for (let top = queue.peek(); top !== undefined && top.at < start; top = queue.peek()) {
        const message = process(queue.pop()!);
        if (message) yield message;
      }
      const source = sources[which]!;
      if (source.kind === 'poison') {
        const op = createOperation(pool, source.random, { start, customer: pool.draw(source.random) });
        const transaction = renderTransaction(writer, op.parts, op.status, op.amount, start, start, op.spaceInSent).toString('latin1');
        queue.push(makePoison(state, { transaction, objectId: op.id, date: state.date, eventMs: start }, start));
        continue;
      }
      const op = startOperation(source, start, day, surgeCounter);
      if (source.kind === 'surge') surgeCounter++;
      if (op) queue.push(op);
    }
    for (let top = queue.peek(); top !== undefined && top.at < dayEnd; top = queue.peek()) {
      const message = process(queue.pop()!);
      if (message) yield message;
    }

    function startOperation(source: OperationSource, start: number, today: number, k: number): Operation | undefined {
      let customer: number;
      if (source.kind === 'surge') customer = pool.newCustomer(today, k);
      else if (source.kind === 'frequency') customer = active!.pick(source.random, source.currency) ?? pool.draw(source.random);
      else customer = pool.draw(source.random);
      const op = createOperation(pool, source.random, { start, customer, ...(source.currency === undefined ? {} : { currency: source.currency }) });
      for (const ticket of state.effects.tickets) {
        if (ticket.currency === undefined || ticket.currency === op.currency) op.amount = Math.round(op.amount * (1 + ticket.change));
      }
      if (tracking) {
        const seenBefore = active!.mark(customer);
        if (seenBefore && source.kind === 'regular') {
          const home = pool.homeCurrency(customer);
          for (const thin of thinning) {
            if ((thin.currency === undefined || thin.currency === home) && state.stream('thinning').chance(-thin.change)) return undefined;
          }
        }
      }
      return op;
    }
  }

  // A bounded run ends with what is still due for days inside the range (late
  // deliveries, copies); events of later days (chargebacks after `to`, the
  // second half of an operation that straddles the last midnight) are dropped.
  const rangeEnd = (lastDay + 1) * DAY_MS;
  for (let pending = queue.pop(); pending !== undefined; pending = queue.pop()) {
    if (pending instanceof Operation ? pending.at >= rangeEnd : dayNumber(pending.message.day) > lastDay) continue;
    const message = process(pending);
    if (message) yield message;
  }
}

function copyOf(value: string | Buffer): string | Buffer {
  return typeof value === 'string' ? value : detached(value);
}

/** A corrected amount: 1% more, at least one minor unit, same sign. */
function corrected(amount: number): number {
  const step = Math.max(1, Math.round(Math.abs(amount) * 0.01));
  return amount < 0 ? amount - step : amount + step;
}
