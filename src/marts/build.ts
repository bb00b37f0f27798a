import type { Logger } from '../log/logger.js';
import type { PausePoint } from '../test-hooks/pause-point.js';
import type { Warehouse, WarehouseSession } from '../warehouse/index.js';
import { contiguousRuns, type Day } from './days.js';
import { buildDayByDay, consumeEntries, isDataError, type StepOutcome } from './failures.js';
import { foldChanges, FROM_AGGREGATES, maintainsAggregates } from './maintained-aggregates.js';
import { planInterval, planQueue } from './plan.js';
import { readBuildState } from './state.js';
import type { BuildPlan, BuildStep, BuildSummary, FailedDay } from './types.js';

/** The mart tables a day is replaced in, in build order: each reads only STG and the ones before it. */
export const MART_TABLES = ['usd_rates_daily', 'currency_daily', 'global_metrics', 'data_quality_daily', 'turnover_drivers'] as const;
export type MartTable = (typeof MART_TABLES)[number];

export interface BuildMartsRequest {
  /** Exactly these days; without it, the days of the `stg.touched_days` queue. */
  readonly interval?: { readonly from: Day; readonly to: Day };
  readonly daysPerTransaction: number;
  /** Transactions in flight at once (each on its own connection). */
  readonly parallel?: number;
  /** Plan only: nothing is written. */
  readonly dryRun?: boolean;
  /** Stops starting transactions: every committed day is whole. */
  readonly signal?: AbortSignal;
  /** Told after every committed transaction (retry-unavailable.ts: the warehouse is there). */
  readonly progressed?: () => void;
  /** Test-only stop between days (test-hooks/pause-point.ts). */
  readonly pause?: PausePoint;
}

/**
 * Rebuilds whole days of every mart. The run holds `cdm.build_lock` from its
 * start to its end (a transaction of its own), so runs never overlap, and
 * reads the queue under it. Each step is one transaction that records the
 * build, replaces its days in every mart (`replaceDays`: delete, then insert
 * from STG and the marts before it), rebuilds the drivers of the following
 * built day and consumes the queue rows it completes. A queue run where the
 * warehouse maintains aggregates first folds STG's change log into them (a
 * transaction of its own) and its steps take currency_daily and data
 * quality from them instead of scanning the days in STG (maintained-aggregates.ts).
 *
 * Up to `parallel` steps run at once, but each step waits for the previous
 * one to commit before its drivers (they read the previous day) and so before
 * its own commit: steps commit in day order. Hence a failure or a crash
 * leaves every day either as before or rebuilt, never a queue row consumed
 * before all its days are, and the statements, functions of STG and of which
 * days are built, give identical tables whatever the interval or the
 * parallelism (docs/marts.md).
 *
 * A step the warehouse refuses for its data is built day by day and the day
 * it cannot build is recorded in `cdm.build_failures` (failures.ts): data
 * never stops a build. Any other error does, with the first step's error.
 */
export async function buildMarts(warehouse: Warehouse, request: BuildMartsRequest, logger: Logger): Promise<BuildSummary> {
  const started = performance.now();
  if (request.dryRun) {
    const plan = await makePlan(warehouse, request);
    return { plan, stepsDone: 0, consumed: 0, failed: [], durationMs: performance.now() - started, interrupted: false };
  }
  const lease = await warehouse.connect();
  try {
    return await lease.transaction(async (session) => {
      await session.query(warehouse.sql('mart_build_lock'));
      const plan = await makePlan(warehouse, request);
      // after the plan read the queue: maintained-aggregates.ts says why that order is right
      const fromAggregates = plan.mode === 'queue' && maintainsAggregates(warehouse);
      if (fromAggregates) {
        const changed = await foldChanges(warehouse);
        logger.debug({ aggregateRows: changed }, 'folded the change logs of STG into the maintained aggregates');
      }
      const done = await runSteps(warehouse, plan, request, logger, fromAggregates);
      let consumed = done.consumed;
      if (!done.interrupted && plan.consumeOnly.length > 0) {
        consumed += await warehouse.transaction((s) => consumeEntries(warehouse, s, plan.consumeOnly));
      }
      return { plan, stepsDone: done.stepsDone, consumed, failed: done.failed, durationMs: performance.now() - started, interrupted: done.interrupted };
    });
  } finally {
    await lease.close();
  }
}

async function makePlan(warehouse: Warehouse, request: BuildMartsRequest): Promise<BuildPlan> {
  const state = await readBuildState(warehouse, request.interval);
  const input = { queue: state.queue, built: state.built, daysPerTransaction: request.daysPerTransaction };
  return request.interval ? planInterval(request.interval.from, request.interval.to, input) : planQueue(input);
}

/** Runs the plan's steps, up to `parallel` at once, committing in step order. */
async function runSteps(
  warehouse: Warehouse,
  plan: BuildPlan,
  request: BuildMartsRequest,
  logger: Logger,
  fromAggregates: boolean,
): Promise<{ stepsDone: number; consumed: number; failed: FailedDay[]; interrupted: boolean }> {
  const commits: Promise<void>[] = [];
  const failedDays: FailedDay[] = [];
  let next = 0;
  let stepsDone = 0;
  let consumed = 0;
  let interrupted = false;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (next >= plan.steps.length || failed) return;
      if (request.signal?.aborted) {
        interrupted = true;
        return;
      }
      // no await between taking an index and registering its commit: the next step finds it
      const index = next++;
      const step = plan.steps[index]!;
      const previous = index === 0 ? Promise.resolve() : commits[index - 1]!;
      const stepStarted = performance.now();
      const run = (part: BuildStep): Promise<StepOutcome> => warehouse.transaction((session) => runStep(warehouse, session, part, previous, fromAggregates));
      const commit = run(step).catch((error: unknown) => {
        if (!isDataError(error)) throw error;
        return buildDayByDay(warehouse, step, error, run, logger);
      });
      commits[index] = commit.then(() => undefined);
      commits[index]!.catch(() => undefined); // awaited by the next step, if there is one
      let result: Awaited<typeof commit>;
      try {
        result = await commit;
      } catch (error) {
        failed = true;
        throw error;
      }
      stepsDone += 1;
      consumed += result.consumed;
      failedDays.push(...result.failed);
      request.progressed?.();
      logger.info(
        {
          days: step.from === step.to ? step.from : `${step.from}..${step.to}`,
          ...(step.driversOf ? { driversOf: step.driversOf } : {}),
          currencyRows: result.currencyRows,
          seconds: Number(((performance.now() - stepStarted) / 1000).toFixed(2)),
        },
        `built ${stepsDone}/${plan.steps.length}`,
      );
      await request.pause?.reached('marts-step-committed', { from: step.from, to: step.to });
    }
  };
  const workers = Array.from({ length: Math.max(1, request.parallel ?? 1) }, worker);
  const outcomes = await Promise.allSettled(workers);
  // a failed step fails the steps after it (they wait for its commit): report the first
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return { stepsDone, consumed, failed: failedDays.sort((a, b) => (a.day < b.day ? -1 : 1)), interrupted };
}

async function runStep(
  warehouse: Warehouse,
  session: WarehouseSession,
  step: BuildStep,
  previousCommitted: Promise<void>,
  fromAggregates: boolean,
): Promise<StepOutcome> {
  // first: the drivers of a day need it (and the day before) marked as built
  await session.query(warehouse.sql('mart_build_days_record'), [step.from, step.to]);
  await session.query(warehouse.sql('mart_build_failures_clear'), [step.from, step.to]);
  let currencyRows = 0;
  for (const table of MART_TABLES) {
    // the drivers read the day before, which the previous step may still be writing
    if (table === 'turnover_drivers') await previousCommitted;
    const result = await replace(warehouse, session, table, step.from, step.to, fromAggregates);
    if (table === 'global_metrics') currencyRows = result.inserted;
  }
  if (step.driversOf) await replace(warehouse, session, 'turnover_drivers', step.driversOf, step.driversOf, fromAggregates);
  return { currencyRows, consumed: await consumeEntries(warehouse, session, step.consume), failed: [] };
}

function replace(warehouse: Warehouse, session: WarehouseSession, table: MartTable, from: Day, to: Day, fromAggregates: boolean) {
  return session.replaceDays({ table: `cdm.${table}`, dayColumn: 'date_update', from, to, insertSql: warehouse.sql(martStatement(table, fromAggregates)), params: [from, to] });
}

/** The statement that rebuilds a mart's days: from STG, or from the maintained aggregates on a queue build. */
function martStatement(table: MartTable, fromAggregates: boolean): string {
  return (fromAggregates ? FROM_AGGREGATES[table] : undefined) ?? `mart_${table}`;
}

/** `2023-03-01..2023-03-03, 2023-03-07` */
export function describeDays(days: readonly Day[]): string {
  return contiguousRuns(days)
    .map(([from, to]) => (from === to ? from : `${from}..${to}`))
    .join(', ');
}
