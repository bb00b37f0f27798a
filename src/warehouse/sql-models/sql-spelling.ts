import type { DialectName, WarehouseCapabilities } from '../warehouse.js';

/** Types a named statement parameter may declare in `{{ params(name type, …) }}`. */
export type ParamType = 'date' | 'timestamp' | 'text' | 'code_list';

export const PARAM_TYPES: readonly ParamType[] = ['date', 'timestamp', 'text', 'code_list'];

/** A table and the alias a statement gives it (`stg.transactions as t`). */
export interface AliasedTable {
  readonly table: string;
  readonly alias: string;
}

/** A named parameter as a macro sees it: its name and how the statement refers to its value. */
export interface NamedParam {
  readonly name: string;
  readonly ref: string;
}

/**
 * How one dialect writes what a model leaves open (the role of Kysely's query
 * compiler): each dialect folder has one, `<dialect>-sql-spelling.ts`. The
 * macro compiler (compile.ts) names no dialect; it asks this table.
 */
export interface SqlSpelling {
  /**
   * `numbered`: `$1` may appear anywhere and any number of times, so a named
   * parameter is its placeholder. `positional`: each `?` binds the next value
   * once, so named parameters are bound once in a `params` CTE and read from it.
   */
  readonly binding: 'numbered' | 'positional';
  /** The n-th (1-based) bound value. */
  placeholder(n: number): string;
  /** A named parameter's value with its type, from its placeholder: `$1::date`, `?::date`. */
  paramValue(type: ParamType, placeholder: string): string;
  /** Identifiers generated SQL must quote (`partition` in Vertica). */
  readonly reserved: ReadonlySet<string>;
  /** Unbounded text (`{{ text }}`) and text of at most n characters (`{{ text(n) }}`). */
  text(length?: string): string;
  /** 32-bit and 64-bit integers (`{{ int4 }}`, `{{ int8 }}`). */
  readonly int4: string;
  readonly int8: string;
  /** The type of a `{{ numeric(p, s) }}` cast, and `{{ as_numeric(expr, p, s) }}`: the expression typed so. */
  numeric(precision: string, scale: string): string;
  asNumeric(expr: string, precision: string, scale: string): string;
  /** `{{ nullif_zero(expr) }}`: null where expr is 0 (a divisor). */
  nullifZero(expr: string): string;
  /** `{{ code_list_empty(list) }}` / `{{ code_list_has(list, expr) }}` over a `code_list` parameter. */
  codeListEmpty(list: NamedParam): string;
  codeListHas(list: NamedParam, expr: string): string;
  /** `{{ date_series(from, to, column) }}`: a select of one row per day from..to, in `column`. */
  dateSeries(from: NamedParam, to: NamedParam, column: string): string;
  /**
   * `{{ key_lookup(table as t, keys as k, column…) }}`: the from clause that
   * pairs each row of a work table of keys with the row of `table` that has
   * those key columns (its primary key), both aliased as written.
   */
  keyLookup(table: AliasedTable, keys: AliasedTable, columns: readonly string[]): string;
  /**
   * `{{ delete_by_key(table as t, keys as k, column…) }}`: the statement that
   * deletes the rows of `table` whose key columns (its primary key) are a row
   * of a work table of keys.
   */
  deleteByKey(table: AliasedTable, keys: AliasedTable, columns: readonly string[]): string;
  /** `{{ temporary }}`: the words before `table` of a session-scoped table. */
  readonly temporary: string;
  /**
   * `{{ rebuild_into(table) }}`: the table a whole-day rebuild of `table`
   * inserts into — the mart itself where days are replaced by delete and
   * insert, its swap twin where they are swapped in by partition (the
   * warehouse session's replaceDays does the rest).
   */
  rebuildInto(table: string): string;
}

/** What the build needs of a dialect: its name, its spelling, and what it can do (which picks the upsert form). */
export interface SqlDialect {
  readonly name: DialectName;
  readonly spelling: SqlSpelling;
  readonly capabilities: Pick<WarehouseCapabilities, 'upsert' | 'merge'>;
}
