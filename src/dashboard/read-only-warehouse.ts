import { describeError, TurnoverError, UnavailableError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Warehouse, WarehouseConnection } from '../warehouse/index.js';
import { NotMigratedError } from './api-errors.js';

/** SQLSTATEs (PostgreSQL and Vertica) of a missing schema or table: not migrated yet. */
const NOT_MIGRATED = new Set(['42P01', '3F000', '42V01']);
/** SQLSTATE classes of a lost or refused server: connection (08), operator intervention (57), resources (53). */
const UNAVAILABLE_CLASSES = new Set(['08', '57', '53']);
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * The dashboard's one dedicated warehouse connection, opened lazily and made
 * read-only for the whole session (`dashboard_session_read_only`), so that no
 * request can write whatever SQL it runs. When the connection is lost (server
 * restart, network) it is dropped and the next request opens a new one: the
 * dashboard recovers on its own when the warehouse comes back.
 */
export class ReadOnlyWarehouse {
  #connection: Promise<WarehouseConnection> | undefined;
  /** The connection once open: dropped synchronously when it fails, so the next request reconnects. */
  #open: WarehouseConnection | undefined;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly logger: Logger,
    /** A statement that has not answered by then is abandoned with its connection. */
    private readonly timeoutMs = 20_000,
  ) {}

  get dialect(): Warehouse['dialect'] {
    return this.warehouse.dialect;
  }

  /** Runs the named statement of `sql/<dialect>/` with bound values. */
  async rows<R>(statement: string, params: readonly unknown[] = []): Promise<R[]> {
    const sql = this.warehouse.sql(statement);
    const connection = await this.#connect();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError(`the warehouse did not answer ${statement} within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
    });
    try {
      return (await Promise.race([connection.query<R>(sql, params), timeout])).rows;
    } catch (error) {
      throw this.#classify(error, connection);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    this.#open = undefined;
    if (connection) await (await connection.catch(() => undefined))?.close().catch(() => undefined);
  }

  #connect(): Promise<WarehouseConnection> {
    this.#connection ??= (async () => {
      const connection = await this.warehouse.connect();
      try {
        await connection.query(this.warehouse.sql('dashboard_session_read_only'));
      } catch (error) {
        await connection.close().catch(() => undefined);
        throw error;
      }
      this.logger.info({ dialect: this.warehouse.dialect }, 'dashboard connected to the warehouse (read-only session)');
      this.#open = connection;
      return connection;
    })().catch((error: unknown) => {
      this.#connection = undefined;
      throw this.#classify(error, undefined);
    });
    return this.#connection;
  }

  /** A SQL error keeps the connection; anything else means it is gone or unusable. */
  #classify(error: unknown, connection: WarehouseConnection | undefined): Error {
    // TurnoverErrors carry codes of their own (USAGE…), never a SQLSTATE
    const code = error instanceof TurnoverError ? undefined : (error as { code?: unknown }).code;
    const sqlstate = typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
    if (sqlstate && NOT_MIGRATED.has(sqlstate)) return new NotMigratedError(error);
    if (sqlstate && !UNAVAILABLE_CLASSES.has(sqlstate.slice(0, 2))) return error as Error;
    if (connection) this.#drop(connection);
    if (error instanceof UnavailableError) return error;
    this.logger.warn({ err: describeError(error) }, 'warehouse connection lost; the next request reconnects');
    return new UnavailableError('the warehouse is not reachable', error);
  }

  #drop(connection: WarehouseConnection): void {
    if (this.#open !== connection) return;
    this.#open = undefined;
    this.#connection = undefined;
    void connection.close().catch(() => undefined);
  }
}
