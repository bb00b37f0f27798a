import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrerequisiteError, StackError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { PACKAGE_ROOT } from '../paths.js';
import { withDirLock } from '../process/dir-lock.js';
import { run } from '../process/run-command.js';

/**
 * Python tools (Airflow, PySpark, Superset, SQLFluff) live in virtualenvs
 * outside the repository, one per `python/requirements-<name>.txt`, keyed by a
 * hash of the pinned requirements so a changed pin builds a fresh venv and an
 * unchanged one is never reinstalled.
 */
export const PYTHON_DIR = join(PACKAGE_ROOT, 'python');

export function venvNames(): string[] {
  return readdirSync(PYTHON_DIR)
    .map((f) => /^requirements-([a-z0-9-]+)\.txt$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
}

function requirementFiles(name: string): { requirements: string; constraints?: string } {
  const requirements = join(PYTHON_DIR, `requirements-${name}.txt`);
  if (!existsSync(requirements)) throw new StackError(`no python/requirements-${name}.txt in the package`);
  const constraints = join(PYTHON_DIR, `constraints-${name}.txt`);
  return existsSync(constraints) ? { requirements, constraints } : { requirements };
}

export function pythonBinary(env: NodeJS.ProcessEnv): string {
  return env.TURNOVER_PYTHON || 'python3';
}

export async function checkPython(env: NodeJS.ProcessEnv): Promise<string> {
  const python = pythonBinary(env);
  let version = '';
  try {
    const result = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { env });
    version = result.stdout.trim();
  } catch {
    // reported below
  }
  const [major, minor] = version.split('.').map(Number);
  if (!(major === 3 && (minor ?? 0) >= 10)) {
    throw new PrerequisiteError(`Python 3.10+ not found (tried "${python}"${version ? `, got ${version}` : ''}): install Python 3.11 or set TURNOVER_PYTHON`);
  }
  return version;
}

export function venvDir(name: string, cacheDir: string): string {
  const files = requirementFiles(name);
  const hash = createHash('sha256')
    .update(readFileSync(files.requirements))
    .update(files.constraints ? readFileSync(files.constraints) : '')
    .digest('hex')
    .slice(0, 12);
  return join(cacheDir, 'venvs', `${name}-${hash}`);
}

/** Path of an executable inside the venv (`airflow`, `python`, `superset`). */
export function venvBin(name: string, cacheDir: string, executable: string): string {
  return join(venvDir(name, cacheDir), 'bin', executable);
}

export function venvReady(name: string, cacheDir: string): boolean {
  return existsSync(join(venvDir(name, cacheDir), '.complete'));
}

export async function ensureVenv(name: string, cacheDir: string, logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  const dir = venvDir(name, cacheDir);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  // one installer at a time: two at once (two test runs) delete and fill the same venv under each other
  return withDirLock(`${dir}.lock`, () => installVenv(name, dir, logger, env), (holder) =>
    logger.info({ venv: dir, holder }, `waiting for process ${holder}, which is installing the ${name} Python environment`),
  );
}

async function installVenv(name: string, dir: string, logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  if (existsSync(join(dir, '.complete'))) return dir; // the process we waited for installed it
  const version = await checkPython(env);
  const files = requirementFiles(name);
  logger.info({ venv: dir, python: version }, `installing the pinned ${name} Python environment (once; cached)`);
  rmSync(dir, { recursive: true, force: true });
  const created = await run(pythonBinary(env), ['-m', 'venv', dir], { env });
  if (created.code !== 0) throw new PrerequisiteError(`python -m venv failed (on Debian: apt-get install python3-venv): ${created.stderr.trim()}`);
  const pip = join(dir, 'bin', 'pip');
  const args = ['install', '--no-input', '--disable-pip-version-check', '--progress-bar', 'off', '-r', files.requirements];
  if (files.constraints) args.push('-c', files.constraints);
  const started = Date.now();
  const installed = await run(pip, args, { env: { ...env, PIP_NO_INPUT: '1' } });
  if (installed.code !== 0) {
    const tail = (installed.stdout + installed.stderr).trim().split('\n').slice(-12).join('\n');
    throw new StackError(`pip could not install the ${name} environment (is PyPI reachable?):\n${tail}`);
  }
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  logger.info({ venv: dir, seconds: Math.round((Date.now() - started) / 1000) }, `${name} Python environment ready`);
  return dir;
}
