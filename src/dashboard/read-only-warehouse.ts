import { describeError, TurnoverError, UnavailableError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Warehouse, WarehouseConnection } from '../warehouse/index.js';
import { NotMigratedError } from './api-errors.js';

/** SQLSTATEs (PostgreSQL and Vertica) of a missing schema or table: not migrated yet. */
const NOT_MIGRATED = new Set(['42P01', '3F000', '42V01']);
/** SQLSTATE classes of a lost or refused server: connection (08), operator intervention (57), resources (53). */
const UNAVAILABLE_CLASSES = new Set(['08', '57', '53']);
const SQLSTATE = /^[0-9A-Z]{5}$/;

interface Waiter {
  resolve(connection: WarehouseConnection): void;
  reject(error: unknown): void;
}

/**
 * The dashboard's warehouse connections: a few dedicated ones, opened lazily,
 * each made read-only for its whole session (`dashboard_session_read_only`)
 * before its first query, so that no request can write whatever SQL it runs.
 * A connection runs one statement at a time; requests beyond `size` wait for
 * one. A connection that fails other than with a SQL error (server restart,
 * network, a statement past the timeout) is closed with the idle ones, and
 * the next request opens a new one: the dashboard recovers on its own when
 * the warehouse comes back.
 */
export class ReadOnlyWarehouse {
  readonly #idle: WarehouseConnection[] = [];
  readonly #waiters: Waiter[] = [];
  /** Connections open or opening. */
  #count = 0;
  #closed = false;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly logger: Logger,
    private readonly options: { readonly size: number; readonly timeoutMs: number } = { size: 3, timeoutMs: 20_000 },
  ) {}

  /** Runs the named statement of `sql/<dialect>/` with bound values. */
  async rows<R>(statement: string, params: readonly unknown[] = []): Promise<R[]> {
    const sql = this.warehouse.sql(statement);
    const connection = await this.#acquire();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError(`the warehouse did not answer ${statement} within ${this.options.timeoutMs / 1000} s`)), this.options.timeoutMs);
    });
    try {
      const result = await Promise.race([connection.query<R>(sql, params), timeout]);
      this.#release(connection, true);
      return result.rows;
    } catch (error) {
      const classified = this.#classify(error);
      this.#release(connection, classified.keepConnection);
      throw classified.error;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new UnavailableError('the dashboard is shutting down'));
    await Promise.all(this.#idle.splice(0).map((c) => c.close().catch(() => undefined)));
  }

  async #acquire(): Promise<WarehouseConnection> {
    if (this.#closed) throw new UnavailableError('the dashboard is shutting down');
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#count >= this.options.size) return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#count += 1;
    try {
      return await this.#open();
    } catch (error) {
      this.#count -= 1;
      this.#wakeOne();
      throw this.#classify(error).error;
    }
  }

  async #open(): Promise<WarehouseConnection> {
    const connection = await this.warehouse.connect();
    try {
      await connection.query(this.warehouse.sql('dashboard_session_read_only'));
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    this.logger.debug({ dialect: this.warehouse.dialect, connections: this.#count }, 'dashboard connected to the warehouse (read-only session)');
    return connection;
  }

  #release(connection: WarehouseConnection, healthy: boolean): void {
    if (!healthy || this.#closed) {
      this.#count -= 1;
      void connection.close().catch(() => undefined);
      if (!healthy) {
        // the idle ones talk to the same server: most likely gone too
        for (const stale of this.#idle.splice(0)) {
          this.#count -= 1;
          void stale.close().catch(() => undefined);
        }
      }
      this.#wakeOne();
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(connection);
    else this.#idle.push(connection);
  }

  /** A slot is free: the first waiter gets a connection of its own. */
  #wakeOne(): void {
    const waiter = this.#waiters.shift();
    if (waiter) this.#acquire().then(waiter.resolve, waiter.reject);
  }

  /** A SQL error keeps the connection; anything else means it is gone or unusable. */
  #classify(error: unknown): { error: Error; keepConnection: boolean } {
    // TurnoverErrors carry codes of their own (USAGE…), never a SQLSTATE
    const code = error instanceof TurnoverError ? undefined : (error as { code?: unknown }).code;
    const sqlstate = typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
    if (sqlstate && NOT_MIGRATED.has(sqlstate)) return { error: new NotMigratedError(error), keepConnection: true };
    if (sqlstate && !UNAVAILABLE_CLASSES.has(sqlstate.slice(0, 2))) return { error: error as Error, keepConnection: true };
    if (error instanceof UnavailableError) return { error, keepConnection: false };
    this.logger.warn({ err: describeError(error) }, 'warehouse connection lost; the next request reconnects');
    return { error: new UnavailableError('the warehouse is not reachable', error), keepConnection: false };
  }
}
