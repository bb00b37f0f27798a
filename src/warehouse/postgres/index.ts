import type { Logger } from '../../log/logger.js';
import type { SqlDialect } from '../sql-models/sql-spelling.js';
import type { Warehouse } from '../warehouse.js';
import { POSTGRES_CAPABILITIES } from './postgres-capabilities.js';
import { POSTGRES_SQL_SPELLING } from './postgres-sql-spelling.js';

/**
 * What code outside this folder may know of PostgreSQL: its name, how it spells
 * the SQL model macros and what it can do. Light on purpose (no client
 * library): the SQL build loads it.
 */
export const POSTGRES_DIALECT: SqlDialect = Object.freeze({ name: 'postgres', spelling: POSTGRES_SQL_SPELLING, capabilities: POSTGRES_CAPABILITIES });

/** A PostgreSQL warehouse at `url`; the dialect's code and `pg` load only now, so importing this index stays cheap. */
export async function openPostgresWarehouse(url: string, logger: Logger): Promise<Warehouse> {
  const { PostgresWarehouse } = await import('./postgres-warehouse.js');
  return new PostgresWarehouse(url, logger);
}
