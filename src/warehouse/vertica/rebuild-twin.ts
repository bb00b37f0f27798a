/**
 * A day-partitioned mart's swap twin on Vertica: a table of the same shape
 * (`create table … like … including projections`, cdm migration 0004) that
 * a rebuild of whole days is written into before its partitions are swapped
 * into the mart (VerticaSession.replaceDays). One name, used by the SQL
 * models' `{{ rebuild_into(table) }}` and by the swap.
 */
export function verticaRebuildTwin(table: string): string {
  return `${table}_rebuild`;
}
