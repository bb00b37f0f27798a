import type { Logger } from '../../log/logger.js';
import type { SqlDialect } from '../sql-models/sql-spelling.js';
import type { Warehouse } from '../warehouse.js';
import { VERTICA_CAPABILITIES } from './vertica-capabilities.js';
import { VERTICA_SQL_SPELLING } from './vertica-sql-spelling.js';

/**
 * What code outside this folder may know of Vertica: its name, how it spells
 * the SQL model macros and what it can do. Light on purpose (no client
 * library): the SQL build loads it.
 */
export const VERTICA_DIALECT: SqlDialect = Object.freeze({ name: 'vertica', spelling: VERTICA_SQL_SPELLING, capabilities: VERTICA_CAPABILITIES });

/** A Vertica warehouse at `url`; the dialect's code and vertica-nodejs load only now, so a PostgreSQL user never loads them. */
export async function openVerticaWarehouse(url: string, logger: Logger): Promise<Warehouse> {
  const [{ VerticaWarehouse }, { verticaNodejsFactory }] = await Promise.all([import('./vertica-warehouse.js'), import('./vertica-client.js')]);
  return new VerticaWarehouse(await verticaNodejsFactory(url), logger);
}
