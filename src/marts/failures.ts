import { storableText } from '../contracts/storable-text.js';
import { classifySqlError, sqlStateOf } from '../db/sqlstate.js';
import { describeError, TurnoverError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Warehouse, WarehouseSession } from '../warehouse/index.js';
import { dayRange, type Day } from './days.js';
import type { BuildStep, FailedDay, QueueEntry } from './types.js';

/** A step's outcome: rows of the build, queue rows consumed, days the warehouse refused. */
export interface StepOutcome {
  readonly currencyRows: number;
  readonly consumed: number;
  readonly failed: readonly FailedDay[];
}

/** Runs one step (its days, or one of them) in a transaction of its own. */
export type StepRunner = (step: BuildStep) => Promise<StepOutcome>;

/** True when the warehouse refused the build for its data (SQLSTATE class 22, 54, 23): the same days fail the same way again. */
export function isDataError(error: unknown): boolean {
  return !(error instanceof TurnoverError) && classifySqlError(error) === 'data';
}

/**
 * A step refused for its data, built day by day so that one day's data
 * cannot hold back the others: each day is its own transaction (in order,
 * so the drivers still read a committed previous day); a day refused alone
 * is recorded in `cdm.build_failures` and keeps its last successful build;
 * when only the drivers of the day after the step are refused, that day is
 * the one recorded. Then the step's queue rows are consumed, as a
 * successful step would: the queue never stalls on a day it cannot build,
 * and the next load that touches the day queues it again.
 */
export async function buildDayByDay(
  warehouse: Warehouse,
  step: BuildStep,
  firstError: unknown,
  run: StepRunner,
  logger: Logger,
): Promise<StepOutcome> {
  const failed: FailedDay[] = [];
  let currencyRows = 0;
  const days = dayRange(step.from, step.to);
  for (const day of days) {
    const driversOf = day === step.to ? step.driversOf : undefined;
    const single: BuildStep = { from: day, to: day, ...(driversOf ? { driversOf } : {}), consume: [] };
    // a one-day step has already failed as it is
    let error: unknown = days.length === 1 ? firstError : undefined;
    if (error === undefined) {
      try {
        currencyRows += (await run(single)).currencyRows;
        continue;
      } catch (refused) {
        if (!isDataError(refused)) throw refused;
        error = refused;
      }
    }
    if (driversOf) {
      // the day alone, then: if that is built, the refusal was the next day's drivers
      try {
        currencyRows += (await run({ from: day, to: day, consume: [] })).currencyRows;
        failed.push(await recordFailure(warehouse, driversOf, error, logger));
        continue;
      } catch (refused) {
        if (!isDataError(refused)) throw refused;
        error = refused;
      }
    }
    failed.push(await recordFailure(warehouse, day, error, logger));
  }
  const consumed = await warehouse.transaction((session) => consumeEntries(warehouse, session, step.consume));
  return { currencyRows, consumed, failed };
}

async function recordFailure(warehouse: Warehouse, day: Day, error: unknown, logger: Logger): Promise<FailedDay> {
  const failure: FailedDay = { day, sqlstate: sqlStateOf(error) ?? 'XX000', detail: storableText(describeError(error)) };
  await warehouse.transaction((session) => session.query(warehouse.sql('mart_build_failure_record'), [failure.day, failure.sqlstate, failure.detail]));
  logger.warn({ day, sqlstate: failure.sqlstate, reason: failure.detail }, 'the warehouse refused to build a day for its data: recorded in cdm.build_failures, its marts keep their last build');
  return failure;
}

export async function consumeEntries(warehouse: Warehouse, session: WarehouseSession, entries: readonly QueueEntry[]): Promise<number> {
  let consumed = 0;
  for (const entry of entries) {
    const result = await session.query(warehouse.sql('mart_touched_days_consume'), [entry.day, entry.kind, entry.touchedAt]);
    consumed += result.rowCount;
  }
  return consumed;
}
