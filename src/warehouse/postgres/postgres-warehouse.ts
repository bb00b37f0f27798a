import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { migratePostgres } from '../../db/postgres-migrator.js';
import { UnavailableError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { SQL_DIR } from '../../paths.js';
import { readSql } from '../sql-files.js';
import type { CopyResult, StatementResult, Warehouse, WarehouseCapabilities, WarehouseSession } from '../warehouse.js';
import { copyTextLine } from './copy-text.js';

const CAPABILITIES: WarehouseCapabilities = Object.freeze({
  transactionalDdl: true,
  upsert: true,
  merge: true,
  copyFromStdin: true,
  copyCapturesRejects: false,
});

/** Warehouse layers, migrated in this order. */
const SCOPES = ['stg', 'cdm'] as const;

const quoteIdent = (name: string): string =>
  name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');

class PostgresSession implements WarehouseSession {
  constructor(private readonly client: pg.PoolClient) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<StatementResult<R>> {
    const result = await this.client.query(sql, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async copyInto(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<CopyResult> {
    const sql = `copy ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) from stdin`;
    let loaded = 0;
    const lines = Readable.from(
      (function* () {
        for (const row of rows) {
          loaded += 1;
          yield copyTextLine(row);
        }
      })(),
    );
    await pipeline(lines, this.client.query(copyStreams.from(sql)));
    return { loaded, rejected: [] };
  }
}

/** PostgreSQL: the embedded local default (its own database on the local server). */
export class PostgresWarehouse implements Warehouse {
  readonly dialect = 'postgres' as const;
  readonly capabilities = CAPABILITIES;
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
      applied.push(...(await migratePostgres(this.#url, scope, join(SQL_DIR, 'postgres', 'migrations', scope), this.#logger)));
    }
    return applied;
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<StatementResult<R>> {
    const result = await this.#connectErrors(() => this.#pool.query(sql, params as unknown[]));
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T> {
    const client = await this.#connectErrors(() => this.#pool.connect());
    try {
      await client.query('begin');
      const result = await work(new PostgresSession(client));
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #connectErrors<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '57P03' || code === 'ETIMEDOUT') {
        throw new UnavailableError('the warehouse (PostgreSQL) is not reachable', error);
      }
      throw error;
    }
  }
}
