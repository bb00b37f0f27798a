import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TurnoverError } from '../errors.js';
import { SQL_DIR } from '../paths.js';
import type { DialectName } from './warehouse.js';

const cache = new Map<string, string>();

/** Reads `sql/<dialect>/<name>.sql` once; business SQL never lives in TypeScript strings. */
export function readSql(dialect: DialectName | 'landing', name: string): string {
  const key = `${dialect}/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    try {
      text = readFileSync(join(SQL_DIR, dialect, `${name}.sql`), 'utf8');
    } catch (error) {
      throw new TurnoverError('INTERNAL', `missing SQL file sql/${key}.sql`, { cause: error });
    }
    cache.set(key, text);
  }
  return text;
}
