import type { Logger } from '../log/logger.js';
import type { Warehouse, WarehouseSession } from '../warehouse/index.js';
import { contiguousRuns, type Day } from './days.js';
import { planInterval, planQueue } from './plan.js';
import { readBuildState } from './state.js';
import type { BuildStep, BuildSummary, QueueEntry } from './types.js';

/** The mart tables in build order: each reads only STG and the ones before it. */
export const MART_TABLES = ['usd_rates_daily', 'currency_daily', 'global_metrics', 'turnover_drivers', 'data_quality_daily'] as const;
export type MartTable = (typeof MART_TABLES)[number];

export interface BuildMartsRequest {
  /** Exactly these days; without it, the days of the `stg.touched_days` queue. */
  readonly interval?: { readonly from: Day; readonly to: Day };
  readonly daysPerTransaction: number;
  /** Plan only: nothing is written. */
  readonly dryRun?: boolean;
  /** Stops between transactions: every committed day is whole. */
  readonly signal?: AbortSignal;
}

/**
 * Rebuilds whole days of every mart. Each step is one transaction that
 * records the build, replaces its days in every mart (`replaceDays`: delete,
 * then insert from STG and the marts before it), rebuilds the drivers of the
 * following built day and consumes the queue rows it completes; so a crash at
 * any point leaves every day either as before or rebuilt, and the queue rows
 * of an unfinished day still queued. The statements are functions of STG and
 * of which days are built, so rebuilding any interval again gives identical
 * tables (docs/marts.md).
 */
export async function buildMarts(warehouse: Warehouse, request: BuildMartsRequest, logger: Logger): Promise<BuildSummary> {
  const started = performance.now();
  const state = await readBuildState(warehouse, request.interval);
  const input = { queue: state.queue, built: state.built, daysPerTransaction: request.daysPerTransaction };
  const plan = request.interval ? planInterval(request.interval.from, request.interval.to, input) : planQueue(input);
  let stepsDone = 0;
  let consumed = 0;
  let interrupted = false;
  if (!request.dryRun) {
    for (const step of plan.steps) {
      if (request.signal?.aborted) {
        interrupted = true;
        break;
      }
      const stepStarted = performance.now();
      const result = await warehouse.transaction((session) => runStep(warehouse, session, step));
      stepsDone += 1;
      consumed += result.consumed;
      logger.info(
        {
          days: step.from === step.to ? step.from : `${step.from}..${step.to}`,
          ...(step.driversOf ? { driversOf: step.driversOf } : {}),
          currencyRows: result.currencyRows,
          seconds: Number(((performance.now() - stepStarted) / 1000).toFixed(2)),
        },
        `built ${stepsDone}/${plan.steps.length}`,
      );
    }
    if (!interrupted && plan.consumeOnly.length > 0) {
      consumed += await warehouse.transaction((session) => consumeEntries(warehouse, session, plan.consumeOnly));
    }
  }
  return { plan, stepsDone, consumed, durationMs: performance.now() - started, interrupted };
}

async function runStep(warehouse: Warehouse, session: WarehouseSession, step: BuildStep): Promise<{ currencyRows: number; consumed: number }> {
  const days = [step.from, step.to];
  await session.query(warehouse.sql('mart_build_lock'));
  // first: the drivers of a day need it (and the day before) marked as built
  await session.query(warehouse.sql('mart_build_days_record'), days);
  let currencyRows = 0;
  for (const table of MART_TABLES) {
    const result = await replace(warehouse, session, table, step.from, step.to);
    if (table === 'global_metrics') currencyRows = result.inserted;
  }
  if (step.driversOf) await replace(warehouse, session, 'turnover_drivers', step.driversOf, step.driversOf);
  return { currencyRows, consumed: await consumeEntries(warehouse, session, step.consume) };
}

function replace(warehouse: Warehouse, session: WarehouseSession, table: MartTable, from: Day, to: Day) {
  return session.replaceDays({ table: `cdm.${table}`, dayColumn: 'date_update', from, to, insertSql: warehouse.sql(`mart_${table}`), params: [from, to] });
}

async function consumeEntries(warehouse: Warehouse, session: WarehouseSession, entries: readonly QueueEntry[]): Promise<number> {
  let consumed = 0;
  for (const entry of entries) {
    const result = await session.query(warehouse.sql('mart_touched_days_consume'), [entry.day, entry.kind, entry.touchedAt]);
    consumed += result.rowCount;
  }
  return consumed;
}

/** `2023-03-01..2023-03-03, 2023-03-07` */
export function describeDays(days: readonly Day[]): string {
  return contiguousRuns(days)
    .map(([from, to]) => (from === to ? from : `${from}..${to}`))
    .join(', ');
}
