import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TurnoverError } from '../errors.js';

const cache = new Map<string, string>();

/**
 * Reads the statement `<dir>/<name>.sql` once; business SQL never lives in
 * TypeScript strings. `key` names it in errors and the cache (`landing/read_offsets`),
 * `where` says where its source is expected.
 */
export function readStatementFile(dir: string, name: string, key: string, where: string): string {
  let text = cache.get(key);
  if (text === undefined) {
    try {
      text = readFileSync(join(dir, `${name}.sql`), 'utf8');
    } catch (error) {
      if (!existsSync(dir)) throw new TurnoverError('INTERNAL', `the SQL statements are not built (${dir} is missing): run \`npm run build\``, { cause: error });
      throw new TurnoverError('INTERNAL', `missing SQL statement ${key}: expected ${where}`, { cause: error });
    }
    cache.set(key, text);
  }
  return text;
}
