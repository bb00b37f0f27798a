import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PrerequisiteError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { defaultCacheDir } from '../paths.js';
import { withDirLock } from '../process/dir-lock.js';
import { run } from '../process/run-command.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The system Chromium that browser tests drive through playwright-core (no browser download). */
export function findChromium(env: NodeJS.ProcessEnv): string | undefined {
  if (env.TURNOVER_CHROMIUM) return existsSync(env.TURNOVER_CHROMIUM) ? env.TURNOVER_CHROMIUM : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * Installs Debian's chromium when it is missing and we may (root with apt-get);
 * otherwise says exactly what to install.
 */
export async function ensureChromium(logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  const found = findChromium(env);
  if (found) return found;
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) {
    throw new PrerequisiteError('Chromium not found: install it (Debian/Ubuntu: sudo apt-get install chromium) or set TURNOVER_CHROMIUM to its path');
  }
  // apt-get holds dpkg's lock and fails a second apt-get outright: our own runs take turns first
  const cache = defaultCacheDir(env);
  mkdirSync(cache, { recursive: true });
  return withDirLock(join(cache, 'apt-chromium.lock'), () => aptInstallChromium(logger, env), (holder) =>
    logger.info({ holder }, `waiting for process ${holder}, which is installing Chromium`),
  );
}

async function aptInstallChromium(logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  const installed = findChromium(env);
  if (installed) return installed; // the process we waited for installed it
  logger.info('installing Debian chromium for the browser tests (apt-get, once)');
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run('apt-get', ['update', '-qq'], { env: aptEnv });
  if (update.code !== 0) throw new PrerequisiteError(`apt-get update failed: ${update.stderr.trim().split('\n').pop()}`);
  const install = await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env: aptEnv });
  const path = findChromium(env);
  if (install.code !== 0 || !path) throw new PrerequisiteError(`apt-get install chromium failed: ${install.stderr.trim().split('\n').pop()}`);
  return path;
}
