import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILED_SQL_DIR, PACKAGE_ROOT, SQL_DIR } from '../../paths.js';
import { SQL_DIALECTS } from '../dialects.js';
import { compileModel, SqlModelError } from './compile.js';
import { findContracts, renderContract, type ContractFile } from './data-contract.js';
import type { SqlDialect } from './sql-spelling.js';

/**
 * The SQL half of `npm run build`: for every dialect, each statement of
 * dist/sql/<dialect>/ comes either from a model, sql/models/<layer>/<name>.sql
 * (compiled for that dialect), or from sql/<dialect>/<name>.sql (copied: a
 * statement only one dialect has, or one whose algorithm differs per dialect).
 * The data contracts beside the models (sql/models/<layer>/*.yml) are checked
 * and their queries compiled into dist/sql/<dialect>/contracts/, for readers
 * and SQLFluff. Migrations and sql/landing/ are read where they are.
 */

export interface SqlBuildReport {
  readonly dialect: string;
  readonly compiled: number;
  readonly copied: number;
  readonly contracts: number;
}

interface SqlSource {
  readonly name: string;
  readonly path: string;
}

const sqlFilesIn = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => entry.name)
    .sort();

/** sql/models/<layer>/<layer>_*.sql: one model per statement, named by its layer (so no name is in two layers). */
export function findModels(modelsDir: string): SqlSource[] {
  const models: SqlSource[] = [];
  if (!existsSync(modelsDir)) return models;
  for (const layer of readdirSync(modelsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const file of sqlFilesIn(join(modelsDir, layer))) {
      const name = basename(file, '.sql');
      const path = join(modelsDir, layer, file);
      if (!name.startsWith(`${layer}_`)) throw new SqlModelError(`${relative(dirname(dirname(modelsDir)), path)}: a model in ${layer}/ is named ${layer}_…`);
      models.push({ name, path });
    }
  }
  return models;
}

/** Compiles and copies one dialect's statements into `outDir/<dialect>/`, replacing what was there. */
export function buildDialect(dialect: SqlDialect, models: readonly SqlSource[], contracts: readonly ContractFile[], sourceDir: string, outDir: string): SqlBuildReport {
  const own = sqlFilesIn(join(sourceDir, dialect.name)).map((file) => ({ name: basename(file, '.sql'), path: join(sourceDir, dialect.name, file) }));
  const both = own.filter((o) => models.some((m) => m.name === o.name));
  const shown = (path: string): string => relative(dirname(sourceDir), path);
  if (both.length > 0) throw new SqlModelError(`${both.map((o) => shown(o.path)).join(', ')}: also a model under ${shown(join(sourceDir, 'models'))}/ (one source per statement)`);
  const staging = join(outDir, `.${dialect.name}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const model of models) {
    const origin = relative(PACKAGE_ROOT, model.path);
    writeFileSync(join(staging, `${model.name}.sql`), compileModel(readFileSync(model.path, 'utf8'), dialect, origin));
  }
  for (const file of own) writeFileSync(join(staging, `${file.name}.sql`), readFileSync(file.path));
  if (contracts.length > 0) mkdirSync(join(staging, 'contracts'));
  for (const contract of contracts) writeFileSync(join(staging, 'contracts', `${contract.name}.sql`), renderContract(contract, dialect));
  // swap in whole: a deleted model leaves no stale statement behind
  rmSync(join(outDir, dialect.name), { recursive: true, force: true });
  renameSync(staging, join(outDir, dialect.name));
  return { dialect: dialect.name, compiled: models.length, copied: own.length, contracts: contracts.length };
}

export function buildSql(sourceDir: string = SQL_DIR, outDir: string = COMPILED_SQL_DIR, dialects: readonly SqlDialect[] = SQL_DIALECTS): SqlBuildReport[] {
  const models = findModels(join(sourceDir, 'models'));
  const contracts = findContracts(join(sourceDir, 'models'));
  return dialects.map((dialect) => buildDialect(dialect, models, contracts, sourceDir, outDir));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    for (const r of buildSql()) {
      const into = relative(PACKAGE_ROOT, join(COMPILED_SQL_DIR, r.dialect));
      process.stdout.write(`sql: ${r.dialect}: ${r.compiled} compiled from sql/models, ${r.copied} copied from sql/${r.dialect}, ${r.contracts} data contracts -> ${into}\n`);
    }
  } catch (error) {
    process.stderr.write(`sql build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
