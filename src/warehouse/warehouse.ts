/**
 * The one warehouse interface (the Kysely model): stages talk to this, and
 * each dialect is a folder beside it (`postgres/`, `vertica/`) with its own
 * SQL files under `sql/<dialect>/`. Shared code asks `capabilities` instead
 * of testing the dialect's name.
 */

export type DialectName = 'postgres' | 'vertica';

export interface WarehouseCapabilities {
  /** DDL inside a transaction rolls back with it (PostgreSQL yes; Vertica commits DDL at once). */
  readonly transactionalDdl: boolean;
  /** `INSERT … ON CONFLICT` exists. */
  readonly upsert: boolean;
  /** `MERGE INTO … USING …` exists. */
  readonly merge: boolean;
  /** Bulk load streamed from the client (`COPY … FROM STDIN` / `FROM LOCAL STDIN`). */
  readonly copyFromStdin: boolean;
  /** The bulk load reports the rows it rejected instead of failing the statement. */
  readonly copyCapturesRejects: boolean;
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
  /** Bulk-loads rows into a table, columns in the given order. */
  copyInto(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<CopyResult>;
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
  close(): Promise<void>;
}
