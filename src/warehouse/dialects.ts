import { POSTGRES_DIALECT } from './postgres/index.js';
import type { SqlDialect } from './sql-models/sql-spelling.js';
import { VERTICA_DIALECT } from './vertica/index.js';

/** Every dialect the SQL models are compiled for (`npm run build` writes dist/sql/<name>/ for each). */
export const SQL_DIALECTS: readonly SqlDialect[] = [POSTGRES_DIALECT, VERTICA_DIALECT];
