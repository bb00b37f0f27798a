import { classifySqlError, sqlStateOf } from '../db/sqlstate.js';
import { describeError, TurnoverError, UnavailableError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Warehouse, WarehouseConnection } from '../warehouse/index.js';
import { ApiError, NotMigratedError } from './api-errors.js';

/** SQLSTATEs (PostgreSQL and Vertica) of a missing schema or table: not migrated yet. */
const NOT_MIGRATED = new Set(['42P01', '3F000', '42V01']);
/** query_canceled: the statement_timeout fired (or an operator cancelled the query); the connection is fine. */
const QUERY_CANCELED = '57014';

export interface ReadOnlyOptions {
  /** Connections at most. */
  readonly size: number;
  /** The server cancels a statement after this long (where the dialect has a session statement timeout). */
  readonly statementTimeoutMs: number;
  /** Requests that may wait for a connection; one more answers 503 at once instead of queueing without bound. */
  readonly maxWaiting: number;
}

export const READ_ONLY_DEFAULTS: ReadOnlyOptions = Object.freeze({ size: 3, statementTimeoutMs: 15_000, maxWaiting: 32 });

/** How much longer than the server's own timeout the client waits before it gives a connection up for lost. */
const CLIENT_GRACE_MS = 5_000;

interface Waiter {
  resolve(connection: WarehouseConnection): void;
  reject(error: unknown): void;
}

/**
 * The dashboard's warehouse connections: a few dedicated ones, opened lazily,
 * each made read-only for its whole session (`dashboard_session_read_only`)
 * and given a server-side statement timeout before its first query, so that
 * no request can write whatever SQL it runs, nor hold a connection for long.
 * A connection runs one statement at a time; requests beyond `size` wait for
 * one, at most `maxWaiting` of them: past that a request answers 503 `busy`
 * at once, so a burst cannot pile up without bound. A statement the server
 * cancels answers 503 `warehouse_timeout` and keeps its connection. A
 * connection that fails other than with a SQL error (server restart,
 * network, no answer even past the timeout) is closed with the idle ones, and
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
    private readonly options: ReadOnlyOptions = READ_ONLY_DEFAULTS,
  ) {}

  /** Runs the named statement of `sql/<dialect>/` with bound values. */
  async rows<R>(statement: string, params: readonly unknown[] = []): Promise<R[]> {
    const sql = this.warehouse.sql(statement);
    const connection = await this.#acquire();
    let timer: NodeJS.Timeout | undefined;
    const clientTimeoutMs = this.options.statementTimeoutMs + CLIENT_GRACE_MS;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UnavailableError(`the warehouse did not answer ${statement} within ${clientTimeoutMs / 1000} s`)), clientTimeoutMs);
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
    if (this.#count >= this.options.size) {
      if (this.#waiters.length >= this.options.maxWaiting) {
        throw new ApiError(503, 'busy', `the dashboard is busy: ${this.#waiters.length} requests are already waiting for one of its ${this.options.size} warehouse connections; try again shortly`);
      }
      return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    }
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
      if (this.warehouse.capabilities.sessionStatementTimeout) {
        await connection.query(this.warehouse.sql('dashboard_session_statement_timeout'), [String(this.options.statementTimeoutMs)]);
      }
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

  /** A SQL error keeps the connection, unless its class says the server is gone (db/sqlstate.ts); anything else means it is gone or unusable. */
  #classify(error: unknown): { error: Error; keepConnection: boolean } {
    // TurnoverErrors carry codes of their own (USAGE…), never a SQLSTATE
    const sqlstate = error instanceof TurnoverError ? undefined : sqlStateOf(error);
    if (sqlstate && NOT_MIGRATED.has(sqlstate)) return { error: new NotMigratedError(error), keepConnection: true };
    if (sqlstate === QUERY_CANCELED) {
      const limit = this.warehouse.capabilities.sessionStatementTimeout ? ` (statement timeout ${this.options.statementTimeoutMs / 1000} s)` : '';
      return { error: new ApiError(503, 'warehouse_timeout', `the warehouse cancelled the query${limit}: try a shorter range, or again shortly`), keepConnection: true };
    }
    if (sqlstate && classifySqlError(error) !== 'unavailable') return { error: error as Error, keepConnection: true };
    if (error instanceof UnavailableError) return { error, keepConnection: false };
    this.logger.warn({ err: describeError(error) }, 'warehouse connection lost; the next request reconnects');
    return { error: new UnavailableError('the warehouse is not reachable', error), keepConnection: false };
  }
}
