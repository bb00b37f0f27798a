/**
 * The one warehouse interface (the Kysely model): stages talk to this, and
 * each dialect is a folder beside it (`postgres/`, `vertica/`) with its own
 * SQL files under `sql/<dialect>/`. Shared code asks `capabilities` instead
 * of testing the dialect's name.
 */

export type DialectName = 'postgres' | 'vertica';

/**
 * What a dialect can do, asked by shared code instead of the dialect's name
 * (Kysely's adapter flags). Defaults, the least a database must offer, are in
 * base-capabilities.ts: a dialect declares only what differs. Every flag
 * here is read by a decision; one that nothing reads does not belong here.
 */
export interface WarehouseCapabilities {
  /** `INSERT … ON CONFLICT` exists: the SQL build's `upsert()` macro prefers it (sql-models/compile.ts). */
  readonly upsert: boolean;
  /** `MERGE INTO … USING …` exists: `upsert()`'s form where `upsert` is not (sql-models/compile.ts). */
  readonly merge: boolean;
  /**
   * Primary keys are enforced on every table (Vertica enforces them only where
   * declared `enabled`): the STG loader may then let the key prove a chunk's
   * keys new (`copyNewKeys`, staging/chunk-writer.ts).
   */
  readonly enforcedPrimaryKeys: boolean;
  /**
   * A session can bound how long each statement runs, with the limit as a
   * bound value (`<dialect>_session_statement_timeout.sql`: PostgreSQL's
   * statement_timeout through set_config), which the dashboard's read-only
   * sessions set. Vertica's RUNTIMECAP takes a literal only: there the limit
   * belongs to the user's resource pool.
   */
  readonly sessionStatementTimeout: boolean;
  /**
   * STG logs what each write adds to or takes from the counted transactions
   * and data quality's counts (`stg.counted_changes`, `stg.notable_changes`,
   * written by triggers in the statements that write the rows) and the CDM
   * keeps their aggregates (`cdm.account_daily`, `cdm.currency_totals`,
   * `cdm.event_counts`): a queue build folds the logs and writes
   * `cdm.currency_daily` and `cdm.data_quality_daily` from the aggregates
   * instead of scanning whole days (marts/maintained-aggregates.ts). Without
   * it, every build reads STG.
   */
  readonly maintainedAggregates: boolean;
  /**
   * Rows may be handed over already encoded this way (`encodeCopyRows` in
   * copy-encoding.ts, e.g. in a worker thread) to `copyEncoded` and
   * `copyNewKeys`; absent: bulk loads go through `copyInto` only.
   */
  readonly copyEncoding?: CopyEncoding;
}

/** Bulk-load formats a dialect accepts pre-encoded (see copy-encoding.ts). */
export type CopyEncoding = 'postgres-binary';

/**
 * Column types a bulk load may declare so a dialect can use its fastest wire
 * format (PostgreSQL: COPY BINARY). Values: uuid/text/date/timestamp as the
 * canonical strings of the contract, integers as numbers (or bigint), numeric
 * as a number or a decimal string, bytea as a Buffer.
 */
export type ColumnType = 'uuid' | 'text' | 'int4' | 'int8' | 'numeric' | 'date' | 'timestamp' | 'timestamptz' | 'bytea';

export interface CopyColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** Whole-day replacement of a mart table (SPEC §3 CDM): delete the days, insert the rebuilt rows. */
export interface ReplaceDays {
  /** Schema-qualified table, e.g. `cdm.global_metrics` (an identifier, never a value). */
  readonly table: string;
  /** Its day column, e.g. `date_update`. */
  readonly dayColumn: string;
  /** First and last day replaced, inclusive, `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
  /**
   * The `insert into … select …` that rebuilds those days, into `{{ rebuild_into(table) }}` (the
   * table itself on PostgreSQL, its swap twin on Vertica); bound parameters in `params`.
   */
  readonly insertSql: string;
  readonly params?: readonly unknown[];
}

export interface StatementResult<R> {
  readonly rows: R[];
  /** Rows written by an INSERT/UPDATE/DELETE/MERGE. */
  readonly rowCount: number;
}

export interface CopyResult {
  readonly loaded: number;
  /** Rows the database refused, with its reason (Vertica's rejected-data capture). */
  readonly rejected: readonly { readonly row: number; readonly reason: string }[];
}

/** A connection inside one transaction. */
export interface WarehouseSession {
  /** Runs SQL text with bound parameters (`$1` in PostgreSQL files, `?` in Vertica files). */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<StatementResult<R>>;
  /**
   * Bulk-loads rows into a table, columns in the given order, inside this
   * transaction (never committing it). Typed columns let a dialect pick a
   * faster format; plain names work everywhere.
   */
  copyInto(table: string, columns: readonly (string | CopyColumn)[], rows: Iterable<readonly unknown[]>): Promise<CopyResult>;
  /** Deletes the days `from`…`to` of a table and runs the insert that rebuilds them, in this transaction. */
  replaceDays(spec: ReplaceDays): Promise<{ readonly deleted: number; readonly inserted: number }>;
  /** Bulk-loads rows already encoded in `capabilities.copyEncoding`. Offered where that capability is set. */
  copyEncoded?(table: string, columns: readonly CopyColumn[], data: Uint8Array): Promise<CopyResult>;
  /**
   * Bulk-loads pre-encoded rows whose primary keys should all be new. When one
   * already exists, nothing of this load is kept, the transaction stays usable
   * and the result is null (the caller then looks the stored rows up). Offered
   * where `copyEncoding` is set and primary keys are enforced.
   */
  copyNewKeys?(table: string, columns: readonly CopyColumn[], data: Uint8Array): Promise<CopyResult | null>;
  /**
   * Runs a bulk-export statement of this dialect (`copy (select …) to stdout
   * (format binary)` on PostgreSQL) in this transaction and returns its rows
   * in `capabilities.copyEncoding`, with their count.
   */
  copyOutEncoded?(sql: string): Promise<{ readonly data: Uint8Array; readonly count: number }>;
}

/**
 * One dedicated connection: session state (temporary tables) survives from
 * one transaction to the next, which the loader needs on Vertica where
 * creating a table commits.
 */
export interface WarehouseConnection {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<StatementResult<R>>;
  transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface Warehouse {
  readonly dialect: DialectName;
  readonly capabilities: WarehouseCapabilities;
  /** Text of a named statement of this dialect, from `sql/<dialect>/<name>.sql` (cached). */
  sql(name: string): string;
  /** Creates or upgrades the STG and CDM schemas; returns the migrations it applied. */
  migrate(): Promise<string[]>;
  /** One statement outside an explicit transaction. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<StatementResult<R>>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T>;
  /** A dedicated connection (for session state such as temporary tables); close it when done. */
  connect(): Promise<WarehouseConnection>;
  close(): Promise<void>;
}
