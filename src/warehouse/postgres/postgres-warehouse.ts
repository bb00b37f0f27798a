import { join } from 'node:path';
import pg from 'pg';
import { migratePostgres } from '../../db/postgres-migrator.js';
import { UnavailableError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { SQL_DIR } from '../../paths.js';
import { readSql } from '../sql-files.js';
import type { StatementResult, Warehouse, WarehouseConnection, WarehouseSession } from '../warehouse.js';
import { PostgresSession } from './postgres-session.js';
import { POSTGRES_CAPABILITIES } from './postgres-capabilities.js';

/** Warehouse layers, migrated in this order. */
const SCOPES = ['stg', 'cdm'] as const;

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', '57P03']);

async function connectErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (UNAVAILABLE_CODES.has((error as { code?: string }).code ?? '')) {
      throw new UnavailableError('the warehouse (PostgreSQL) is not reachable', error);
    }
    throw error;
  }
}

async function inTransaction<T>(client: pg.ClientBase, work: (session: WarehouseSession) => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await work(new PostgresSession(client));
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

/** PostgreSQL: the embedded local default (its own database on the local server). */
export class PostgresWarehouse implements Warehouse {
  readonly dialect = 'postgres' as const;
  readonly capabilities = POSTGRES_CAPABILITIES;
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #logger: Logger;

  constructor(url: string, logger: Logger) {
    this.#url = url;
    this.#logger = logger;
    this.#pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
    // An idle client losing its server (restart) must not crash the process.
    this.#pool.on('error', (error) => logger.warn({ err: error.message }, 'idle warehouse connection lost'));
  }

  sql(name: string): string {
    return readSql('postgres', name);
  }

  async migrate(): Promise<string[]> {
    const applied: string[] = [];
    for (const scope of SCOPES) {
      applied.push(...(await connectErrors(() => migratePostgres(this.#url, scope, join(SQL_DIR, 'postgres', 'migrations', scope), this.#logger))));
    }
    return applied;
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<StatementResult<R>> {
    const result = await connectErrors(() => this.#pool.query(sql, params as unknown[]));
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T> {
    const client = await connectErrors(() => this.#pool.connect());
    // The pool listens for errors of idle clients only. A server that dies while this transaction
    // waits between statements (build-marts waits there for the previous day's commit) makes the
    // client emit 'error' with nobody listening, which killed the process instead of failing the
    // transaction (found by test/staging/postgres-crash.postgres.test.ts). Its next statement fails
    // instead, and the pool drops the broken client on release.
    const lost = (error: Error): void => this.#logger.warn({ err: error.message }, 'warehouse connection lost');
    client.on('error', lost);
    try {
      return await inTransaction(client, work);
    } finally {
      client.removeListener('error', lost);
      client.release();
    }
  }

  async connect(): Promise<WarehouseConnection> {
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 10_000 });
    client.on('error', (error) => this.#logger.warn({ err: error.message }, 'warehouse connection lost'));
    await connectErrors(() => client.connect());
    return {
      query: async <R>(sql: string, params: readonly unknown[] = []) => new PostgresSession(client).query<R>(sql, params),
      transaction: (work) => inTransaction(client, work),
      close: () => client.end(),
    };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
