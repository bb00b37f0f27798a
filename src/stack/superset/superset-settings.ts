import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { defaultCacheDir, defaultStateDir } from '../../paths.js';
import { freePort } from '../../process/ports.js';

export const SUPERSET_DEFAULTS = Object.freeze({
  port: 18088,
  /** Seconds `up` waits for /health after starting gunicorn. */
  startTimeoutSeconds: 300,
  adminUser: 'admin',
});

/** Where a local Superset lives and how it is reached, resolved once at the edge. */
export interface SupersetSettings {
  /** `<state dir>/superset`: config, secret key, admin credentials, metadata DB, log, pid. */
  readonly dir: string;
  readonly cacheDir: string;
  readonly port: number;
  readonly url: string;
  readonly startTimeoutSeconds: number;
}

export interface SupersetSettingsInput {
  readonly stateDir?: unknown;
  readonly port?: unknown;
  readonly timeout?: unknown;
}

interface Persisted {
  port: number;
}

/**
 * The port is chosen on the first `up` and remembered in `superset.json`, so
 * `status`, `provision` and `down` find the same server; port 0 picks a free
 * one (tests). An explicit --port on a later `up` moves it.
 */
export async function resolveSupersetSettings(input: SupersetSettingsInput, env: NodeJS.ProcessEnv): Promise<SupersetSettings> {
  const stateDir = resolve(typeof input.stateDir === 'string' && input.stateDir ? input.stateDir : defaultStateDir());
  const dir = join(stateDir, 'superset');
  const persisted = readPersisted(dir);
  const wanted = typeof input.port === 'number' ? input.port : persisted?.port ?? SUPERSET_DEFAULTS.port;
  const port = wanted === 0 ? await freePort() : wanted;
  return Object.freeze({
    dir,
    cacheDir: defaultCacheDir(env),
    port,
    url: `http://127.0.0.1:${port}`,
    startTimeoutSeconds: typeof input.timeout === 'number' ? input.timeout : SUPERSET_DEFAULTS.startTimeoutSeconds,
  });
}

export function persistSupersetSettings(settings: SupersetSettings): void {
  mkdirSync(settings.dir, { recursive: true });
  const persisted: Persisted = { port: settings.port };
  writeFileSync(join(settings.dir, 'superset.json'), `${JSON.stringify(persisted, null, 2)}\n`);
}

/** True when `up` ran in this state dir before. */
export function supersetInitialised(dir: string): boolean {
  return readPersisted(dir) !== undefined;
}

function readPersisted(dir: string): Persisted | undefined {
  const file = join(dir, 'superset.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Persisted;
  } catch (error) {
    throw new ConfigError(`unreadable Superset state ${file}: fix or delete it`, error);
  }
}

