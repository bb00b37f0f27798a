import { join } from 'node:path';
import { readStatementFile } from '../db/statement-files.js';
import { COMPILED_SQL_DIR } from '../paths.js';
import type { DialectName } from './warehouse.js';

/**
 * Reads one statement once; business SQL never lives in TypeScript strings.
 * A dialect's statements are what `npm run build` compiled into
 * dist/sql/<dialect>/ (from sql/models/ or sql/<dialect>/); the landing's
 * are src/landing's (landing-sql.ts).
 */
export function readSql(dialect: DialectName, name: string): string {
  return readStatementFile(join(COMPILED_SQL_DIR, dialect), name, `${dialect}/${name}`, `sql/models/*/${name}.sql or sql/${dialect}/${name}.sql (then \`npm run build\`)`);
}
