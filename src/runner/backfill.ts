import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dayRange, FIRST_DAY, shiftDay } from '../contracts/days.js';
import { UsageError } from '../errors.js';

/**
 * The generated history `turnover up` backfills once per state dir. The
 * window is fixed on the first run and each finished day is recorded with the
 * number of messages it sent, so a restart finishes only the days not done
 * yet: no second backfill. A day interrupted half-way is resumed after the
 * messages it already sent (the topic's size tells how many; a day's messages
 * are deterministic), so not even that day's messages reach Kafka twice.
 */
export interface BackfillState {
  readonly from: string;
  readonly to: string;
  readonly seed: number;
  readonly transactionsPerDay: number;
  readonly scenarios: readonly string[];
  readonly doneDays: string[];
  /** Messages in the topic before the backfill began (set when the first day starts). */
  baseMessages?: number;
  /** Messages each finished day sent. */
  readonly dayMessages: Record<string, number>;
}

/**
 * A few events with known effects, so the drivers view has something to
 * explain: each lands on a fixed day before the end of the window.
 */
export function defaultScenarios(from: string, to: string): string[] {
  const at = (daysBeforeEnd: number, spec: string, days = 1): string | undefined => {
    const day = shiftDay(to, -daysBeforeEnd);
    return day !== undefined && day >= from ? `${spec}@${day}${days > 1 ? `+${days}d` : ''}` : undefined;
  };
  return [
    // 8 days without a 470 quote: 7 days at a stale rate, then one day with no usable rate at all (a missing rate)
    at(19, 'missing-rates:470', 8),
    at(9, 'fx-shock:440:+10%'),
    at(7, 'late:2%:1d'),
    at(6, 'accounts-surge:+30%'),
    at(5, 'redeliveries:1%'),
    at(4, 'corrections:1%'),
    at(3, 'ticket-size:430:+20%'),
    at(2, 'poison:10'),
  ].filter((s): s is string => s !== undefined);
}

export class BackfillPlan {
  readonly #file: string;
  readonly state: BackfillState;

  private constructor(file: string, state: BackfillState) {
    this.#file = file;
    this.state = state;
  }

  /** Loads the recorded plan, or fixes a new window ending yesterday. */
  static open(file: string, settings: { days: number; seed: number; transactionsPerDay: number; scenarios?: readonly string[]; today: string }): BackfillPlan {
    if (existsSync(file)) return new BackfillPlan(file, JSON.parse(readFileSync(file, 'utf8')) as BackfillState);
    const to = shiftDay(settings.today, -1);
    const from = shiftDay(settings.today, -settings.days);
    if (to === undefined || from === undefined) {
      throw new UsageError(`--backfill-days ${settings.days} reaches before ${FIRST_DAY}, the first day the pipeline holds`);
    }
    const scenarios = settings.scenarios ?? defaultScenarios(from, to);
    const plan = new BackfillPlan(file, { from, to, seed: settings.seed, transactionsPerDay: settings.transactionsPerDay, scenarios, doneDays: [], dayMessages: {} });
    plan.#save();
    return plan;
  }

  pendingDays(): string[] {
    if (this.state.to < this.state.from) return [];
    const done = new Set(this.state.doneDays);
    return dayRange(this.state.from, this.state.to).filter((d) => !done.has(d));
  }

  /**
   * Messages of the next pending day already in the topic, to skip when it is
   * generated again; 0 when the day starts afresh. Only the first pending day
   * can be partial: days are produced one after the other.
   */
  alreadySent(topicMessages: number): number {
    if (this.state.baseMessages === undefined) {
      this.state.baseMessages = topicMessages;
      this.#save();
      return 0;
    }
    const finished = Object.values(this.state.dayMessages).reduce((sum, n) => sum + n, 0);
    return Math.max(0, topicMessages - this.state.baseMessages - finished);
  }

  markDone(day: string, messages: number): void {
    this.state.doneDays.push(day);
    this.state.dayMessages[day] = messages;
    this.#save();
  }

  #save(): void {
    mkdirSync(dirname(this.#file), { recursive: true });
    writeFileSync(this.#file, `${JSON.stringify(this.state, null, 2)}\n`);
  }
}
