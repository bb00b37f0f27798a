import { join } from 'node:path';
import { classifySqlError, sqlStateOf } from '../../db/sqlstate.js';
import { ConfigError, describeError, UnavailableError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { SQL_DIR } from '../../paths.js';
import { readSql } from '../sql-files.js';
import type { StatementResult, Warehouse, WarehouseConnection, WarehouseSession } from '../warehouse.js';
import type { VerticaClient, VerticaClientFactory } from './vertica-client.js';
import { migrateVertica } from './vertica-migrator.js';
import { VerticaSession } from './vertica-session.js';
import { VERTICA_CAPABILITIES } from './vertica-capabilities.js';

const SCOPES = ['stg', 'cdm'] as const;

async function inTransaction<T>(client: VerticaClient, work: (session: WarehouseSession) => Promise<T>): Promise<T> {
  const session = new VerticaSession(client);
  await session.query('begin');
  try {
    const result = await work(session);
    await session.query('commit');
    return result;
  } catch (error) {
    await session.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * Vertica: the seed's production warehouse, through the official
 * vertica-nodejs client. No server runs here: the SQL it sends is checked by
 * golden files and SQLFluff, and against a real Vertica only when
 * TURNOVER_TEST_VERTICA_URL is set (docs/warehouse.md).
 */
export class VerticaWarehouse implements Warehouse {
  readonly dialect = 'vertica' as const;
  readonly capabilities = VERTICA_CAPABILITIES;

  constructor(
    private readonly newClient: VerticaClientFactory,
    private readonly logger: Logger,
  ) {}

  sql(name: string): string {
    return readSql('vertica', name);
  }

  async migrate(): Promise<string[]> {
    return this.#withClient((client) =>
      migrateVertica(client, SCOPES.map((scope) => ({ scope, dir: join(SQL_DIR, 'vertica', 'migrations', scope) })), this.logger),
    );
  }

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<StatementResult<R>> {
    return this.#withClient(async (client) => {
      const result = await new VerticaSession(client).query<R>(sql, params);
      await client.query({ text: 'commit' });
      return result;
    });
  }

  async transaction<T>(work: (session: WarehouseSession) => Promise<T>): Promise<T> {
    return this.#withClient((client) => inTransaction(client, work));
  }

  async connect(): Promise<WarehouseConnection> {
    const client = await this.#open();
    return {
      query: async <R>(sql: string, params: readonly unknown[] = []) => {
        const result = await new VerticaSession(client).query<R>(sql, params);
        await client.query({ text: 'commit' });
        return result;
      },
      transaction: (work) => inTransaction(client, work),
      close: () => client.end(),
    };
  }

  async close(): Promise<void> {
    // connections are per call or owned by a WarehouseConnection: nothing pooled to close
  }

  async #open(): Promise<VerticaClient> {
    const client = this.newClient();
    client.on('error', (error) => this.logger.warn({ err: error.message }, 'Vertica connection lost'));
    try {
      await client.connect();
    } catch (error) {
      // a refused login (28…) or an unknown database (3D000): waiting will not fix the setup
      if (classifySqlError(error) === 'config') {
        throw new ConfigError(`the warehouse (Vertica) refused the connection: ${describeError(error)} (SQLSTATE ${sqlStateOf(error)})`, error);
      }
      throw new UnavailableError('the warehouse (Vertica) is not reachable', error);
    }
    return client;
  }

  async #withClient<T>(work: (client: VerticaClient) => Promise<T>): Promise<T> {
    const client = await this.#open();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}
