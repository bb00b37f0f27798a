import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TurnoverError } from '../errors.js';
import { COMPILED_SQL_DIR, SQL_DIR } from '../paths.js';
import type { DialectName } from './warehouse.js';

const cache = new Map<string, string>();

/**
 * Reads one statement once; business SQL never lives in TypeScript strings.
 * A dialect's statements are what `npm run build` compiled into
 * dist/sql/<dialect>/ (from sql/models/ or sql/<dialect>/); the landing's are
 * PostgreSQL only and read from sql/landing/ as written (Spark's job reads them too).
 */
export function readSql(dialect: DialectName | 'landing', name: string): string {
  const key = `${dialect}/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    const dir = dialect === 'landing' ? join(SQL_DIR, 'landing') : join(COMPILED_SQL_DIR, dialect);
    try {
      text = readFileSync(join(dir, `${name}.sql`), 'utf8');
    } catch (error) {
      if (!existsSync(dir)) throw new TurnoverError('INTERNAL', `the SQL statements are not built (${dir} is missing): run \`npm run build\``, { cause: error });
      const where = dialect === 'landing' ? `sql/landing/${name}.sql` : `sql/models/*/${name}.sql or sql/${dialect}/${name}.sql (then \`npm run build\`)`;
      throw new TurnoverError('INTERNAL', `missing SQL statement ${key}: expected ${where}`, { cause: error });
    }
    cache.set(key, text);
  }
  return text;
}
