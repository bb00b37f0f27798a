import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root, found from this file's location so that it is right
 * whether the code runs from `dist/src` (compiled) or anywhere it is linked.
 */
export const PACKAGE_ROOT: string = findPackageRoot();

function findPackageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/src/paths.js -> package root is two levels up from dist/src
  const parts = here.split('/');
  const distAt = parts.lastIndexOf('dist');
  return distAt > 0 ? parts.slice(0, distAt).join('/') : resolve(here, '..');
}

/** Directory of the `.sql` files shipped with the package: models, per-dialect statements, migrations. */
export const SQL_DIR: string = join(PACKAGE_ROOT, 'sql');

/** Statements compiled per dialect by `npm run build` (sql/models/** and sql/<dialect>/*.sql → dist/sql/<dialect>/). */
export const COMPILED_SQL_DIR: string = join(PACKAGE_ROOT, 'dist', 'sql');

/** Default local-stack state: a project-local folder that git ignores. */
export function defaultStateDir(): string {
  return join(PACKAGE_ROOT, '.turnover');
}

/** Downloads (Kafka jars, Python venvs) are cached outside the repository. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TURNOVER_CACHE_DIR) return resolve(env.TURNOVER_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'turnover');
}
