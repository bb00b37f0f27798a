import type { Warehouse, WarehouseSession } from '../warehouse/index.js';
import type { Day } from './days.js';

/**
 * Incremental maintenance of the marts' counts (issue 23, docs/marts.md
 * "Incremental maintenance"). STG logs, in the statements that write its
 * rows, what each write adds to or takes from the counted transactions of a
 * (day, currency, account), `stg.counted_changes`, and from data quality's
 * transaction metrics, `stg.notable_changes`. A queue build folds those logs
 * into `cdm.account_daily`, `cdm.currency_totals` and `cdm.event_counts`,
 * then writes the touched days' `cdm.currency_daily` and
 * `cdm.data_quality_daily` from them: a few rows a day, so a cycle costs what
 * changed since the last one, not what the day holds. Intervals (`--from/--to`: backfills, Airflow's data interval)
 * still rebuild from STG, and `--verify` compares the two.
 *
 * Why a queue build stays right: the queue is read (the plan) before the
 * fold, so every change folded either belongs to a day the plan rebuilds or
 * to a queue row it leaves (a load that commits after the plan touches its
 * day again, with a newer `touched_at`). A crash after the fold commits
 * leaves the plan's queue rows in place: the next run rebuilds those days
 * from totals that already hold the change, and the fold never counts a
 * change twice (it deletes what it folds, in one statement).
 */

/** True where the warehouse keeps the aggregates (a capability of the dialect). */
export function maintainsAggregates(warehouse: Warehouse): boolean {
  return warehouse.capabilities.maintainedAggregates;
}

/** The fold of each change log, in order: counted transactions, then data quality's transaction metrics. */
const FOLDS = ['mart_fold_counted_changes', 'mart_fold_notable_changes'] as const;

/** Folds the change logs into the aggregates, in one transaction of its own; returns the aggregate rows changed. */
export async function foldChanges(warehouse: Warehouse): Promise<number> {
  return warehouse.transaction((session) => foldIn(warehouse, session));
}

async function foldIn(warehouse: Warehouse, session: WarehouseSession): Promise<number> {
  let changed = 0;
  for (const fold of FOLDS) changed += (await session.query(warehouse.sql(fold))).rowCount;
  return changed;
}

/**
 * The statement that rebuilds a mart's days on a queue build of a warehouse
 * that maintains the aggregates: currency_daily from the totals, data quality
 * from the event counts; the marts that read only those (global_metrics,
 * turnover_drivers) and the rates are cheap as they are.
 */
export const FROM_AGGREGATES: Readonly<Partial<Record<string, string>>> = Object.freeze({
  currency_daily: 'mart_currency_daily_from_totals',
  data_quality_daily: 'mart_data_quality_daily_from_counts',
});

/** One difference between STG and the maintained aggregates. */
export interface AggregateDifference {
  readonly day: Day;
  /** `currency 410 account 7`, `currency 410`, `chargeback 410`, `type foo`, `late `. */
  readonly subject: string;
  readonly inStg: string;
  readonly maintained: string;
}

/**
 * The referee: folds the logs, then aggregates the days from..to afresh from
 * STG and compares, both in one snapshot (a load committing meanwhile is in
 * neither). Returns the first differences, none when maintenance is right.
 */
export async function verifyAggregates(warehouse: Warehouse, from: Day, to: Day): Promise<AggregateDifference[]> {
  return warehouse.transaction(async (session) => {
    await session.query(warehouse.sql('mart_snapshot_for_verify'));
    await foldIn(warehouse, session);
    const { rows } = await session.query<{ day: string; subject: string; in_stg: string; maintained: string }>(warehouse.sql('mart_verify_maintained'), [from, to]);
    return rows.map((r) => ({ day: r.day, subject: r.subject, inStg: r.in_stg, maintained: r.maintained }));
  });
}

/** `2023-03-01 currency 410 account 17: STG 2 transactions, 800 minor units, maintained nothing` */
export function describeDifference(d: AggregateDifference): string {
  return `${d.day} ${d.subject.trim()}: STG ${d.inStg}, maintained ${d.maintained}`;
}
