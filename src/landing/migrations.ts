import { join } from 'node:path';
import { migratePostgres } from '../db/postgres-migrator.js';
import type { Logger } from '../log/logger.js';
import { SQL_DIR } from '../paths.js';

/** Applies the landing's versioned migrations (sql/landing/migrations/) to its database; returns the ones applied now. */
export function migrateLanding(url: string, logger: Logger): Promise<string[]> {
  return migratePostgres(url, 'landing', join(SQL_DIR, 'landing', 'migrations'), logger);
}
