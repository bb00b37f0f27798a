import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { openPostgresWarehouse } from './postgres/index.js';
import { openVerticaWarehouse } from './vertica/index.js';
import type { Warehouse } from './warehouse.js';

export type * from './warehouse.js';

type Opener = (url: string, logger: Logger) => Promise<Warehouse>;

/**
 * URL scheme -> dialect. Adding a database means adding a folder and a line
 * here; each dialect's index opens it lazily, so PostgreSQL users never load
 * the Vertica client.
 */
const DIALECTS: Readonly<Record<string, Opener>> = {
  'postgres:': openPostgresWarehouse,
  'postgresql:': openPostgresWarehouse,
  'vertica:': openVerticaWarehouse,
};

export async function openWarehouse(url: unknown, logger: Logger): Promise<Warehouse> {
  if (typeof url !== 'string' || url === '') {
    throw new ConfigError('TURNOVER_WAREHOUSE_URL is not set: expected postgres://… or vertica://… (for the local stack: eval "$(npx turnover stack env)")');
  }
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new ConfigError('TURNOVER_WAREHOUSE_URL is not a URL');
  }
  const open = DIALECTS[scheme];
  if (!open) throw new ConfigError(`TURNOVER_WAREHOUSE_URL has scheme ${scheme}// — supported: postgres://, vertica://`);
  return open(url, logger);
}
