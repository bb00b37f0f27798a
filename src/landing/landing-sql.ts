import { join } from 'node:path';
import { readStatementFile } from '../db/statement-files.js';
import { SQL_DIR } from '../paths.js';

/** One statement of the landing (PostgreSQL only), read from sql/landing/ as written (Spark's job reads them too). */
export function landingSql(name: string): string {
  return readStatementFile(join(SQL_DIR, 'landing'), name, `landing/${name}`, `sql/landing/${name}.sql`);
}
