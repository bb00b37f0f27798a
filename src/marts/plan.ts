import { clampedDay, contiguousRuns, dayRange, shiftDay, type Day } from './days.js';
import type { BuildPlan, BuildStep, QueueEntry } from './types.js';

/**
 * A rate quote of day D is the stale rate of days D+1..D+7 (SPEC §4), so a
 * late quote can change up to 8 days.
 */
export const RATE_REACH_DAYS = 7;

/** How far back an unbuilt gap before a rebuilt day is filled (see `planQueue`). */
export const GAP_FILL_LIMIT_DAYS = 366;

export interface PlanInput {
  readonly queue: readonly QueueEntry[];
  /** Days built at least once or refused for their data (cdm.build_failures), at least over [first queue day − 367, last queue day + 8] and the interval ± 1. */
  readonly built: ReadonlySet<Day>;
  /** Days rebuilt per transaction (consecutive days only). */
  readonly daysPerTransaction: number;
}

/**
 * The days a queue row asks for. Transactions (and any other STG table) of
 * day D change day D. A rate of day D changes the days D..D+7 that use it
 * (none past 9999-12-31), but only those that have data: already built, or
 * being built now (a day with rates and no transactions is not built for them).
 */
export function daysOfEntry(entry: QueueEntry, built: ReadonlySet<Day>, building: ReadonlySet<Day>): Day[] {
  if (entry.kind !== 'currencies') return [entry.day];
  return dayRange(entry.day, clampedDay(entry.day, RATE_REACH_DAYS)).filter((day) => built.has(day) || building.has(day));
}

/**
 * No interval: rebuild what the queue asks for. A day D rebuilt after an
 * unbuilt gap (days without any data, so never touched) gets the gap built
 * too, so that the drivers of D have a previous day and the gap shows as the
 * drop to zero it was. Rows are consumed in the transaction that rebuilds
 * their last day, so a crash before that leaves them queued.
 */
export function planQueue(input: PlanInput): BuildPlan {
  const transactionDays = new Set(input.queue.filter((e) => e.kind !== 'currencies').map((e) => e.day));
  const days = new Set(input.queue.flatMap((entry) => daysOfEntry(entry, input.built, transactionDays)));
  for (const day of [...days].sort()) {
    const gap: Day[] = [];
    // no day before 0001-01-01: the search stops there, with nothing to fill
    let previous = shiftDay(day, -1);
    while (previous !== undefined && !input.built.has(previous) && !days.has(previous) && gap.length < GAP_FILL_LIMIT_DAYS) {
      gap.push(previous);
      previous = shiftDay(previous, -1);
    }
    if (previous !== undefined && (input.built.has(previous) || days.has(previous))) for (const g of gap) days.add(g);
  }
  return assemble('queue', [...days].sort(), input);
}

/**
 * `--from/--to`: exactly those days. Queue rows whose days all lie inside the
 * interval are consumed too (so an orchestrator passing intervals does not
 * leave a queue that grows forever); the others stay for a queue run.
 */
export function planInterval(from: Day, to: Day, input: PlanInput): BuildPlan {
  return assemble('interval', dayRange(from, to), input);
}

function assemble(mode: BuildPlan['mode'], days: readonly Day[], input: PlanInput): BuildPlan {
  const rebuilt = new Set(days);
  const needs = input.queue
    .map((entry) => ({ entry, days: daysOfEntry(entry, input.built, rebuilt) }))
    // a row is consumed only by the build of all its days; a rate for days
    // without data by a queue run, or by an interval that holds its day
    .filter((need) => (need.days.length === 0 ? mode === 'queue' || rebuilt.has(need.entry.day) : need.days.every((d) => rebuilt.has(d))));
  const chunks: [Day, Day][] = [];
  for (const [from, to] of contiguousRuns(days)) {
    const run = dayRange(from, to);
    for (let i = 0; i < run.length; i += input.daysPerTransaction) {
      const chunk = run.slice(i, i + input.daysPerTransaction);
      chunks.push([chunk[0]!, chunk.at(-1)!]);
    }
  }
  const consumeOnly: QueueEntry[] = [];
  const consumeByStep = chunks.map((): QueueEntry[] => []);
  for (const need of needs) {
    if (need.days.length === 0) {
      consumeOnly.push(need.entry);
      continue;
    }
    const last = need.days.reduce((a, b) => (a > b ? a : b));
    const index = chunks.findIndex(([from, to]) => last >= from && last <= to);
    consumeByStep[index]!.push(need.entry);
  }
  const driversOnly: Day[] = [];
  const steps: BuildStep[] = chunks.map(([from, to], i) => {
    const next = shiftDay(to, 1);
    const driversOf = next !== undefined && !rebuilt.has(next) && input.built.has(next) ? next : undefined;
    if (driversOf) driversOnly.push(driversOf);
    return { from, to, ...(driversOf ? { driversOf } : {}), consume: consumeByStep[i]! };
  });
  return { mode, days, driversOnly, steps, consumeOnly };
}
