import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COMPILED_SQL_DIR, PACKAGE_ROOT, SQL_DIR } from '../../src/paths.js';
import { splitStatements } from '../../src/warehouse/vertica/vertica-migrator.js';
import { GOLDEN_DIR } from './recording-vertica-client.js';

/** One statement the Vertica dialect has or sends, named by where it comes from (`file#n`). */
export interface VerticaStatement {
  readonly origin: string;
  readonly sql: string;
}

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sqlFiles(path);
    return name.endsWith('.sql') ? [path] : [];
  });
}

/** Statements of a golden file: the statement lines of each `-- [n]` block (its `-- ` notes dropped). */
function goldenStatements(text: string): string[] {
  return text
    .split(/^-- \[\d+\]\n/m)
    .slice(1)
    .map((block) => block.split('\n').filter((line) => !line.startsWith('-- ')).join('\n').trim().replace(/;$/, ''))
    .filter((sql) => sql !== '');
}

/**
 * Every Vertica statement: what the build compiled for Vertica (dist/sql/vertica/:
 * the models and sql/vertica/'s own files), every migration, and every
 * statement of the golden files — what the dialect really sends, COPY and
 * generated statements included. Needs `npm run build` first.
 */
export function verticaStatements(): VerticaStatement[] {
  const sources: VerticaStatement[] = [];
  for (const file of [...sqlFiles(join(COMPILED_SQL_DIR, 'vertica')), ...sqlFiles(join(SQL_DIR, 'vertica', 'migrations'))]) {
    splitStatements(readFileSync(file, 'utf8')).forEach((sql, i) => sources.push({ origin: `${relative(PACKAGE_ROOT, file)}#${i + 1}`, sql }));
  }
  for (const name of readdirSync(GOLDEN_DIR).filter((f) => f.startsWith('vertica-'))) {
    goldenStatements(readFileSync(join(GOLDEN_DIR, name), 'utf8')).forEach((sql, i) => sources.push({ origin: `golden/${name}#${i + 1}`, sql }));
  }
  return sources;
}
