import type { Logger } from '../../log/logger.js';
import { LocalSuperset, type SupersetUpResult } from './superset-server.js';
import { resolveSupersetSettings } from './superset-settings.js';

/**
 * The programmatic API of the local Superset, for `turnover up
 * --with-superset` and tests: the same steps as the `turnover bi superset
 * up|down` commands, without the CLI.
 */

export interface LocalSupersetOptions {
  /** The stack's state dir (TURNOVER_STATE_DIR); Superset lives in `<stateDir>/superset/`. */
  readonly stateDir?: string;
  /** Default 18088, or the port of the previous `up`; 0 = any free port. */
  readonly port?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export async function localSuperset(options: LocalSupersetOptions = {}): Promise<LocalSuperset> {
  const env = options.env ?? process.env;
  return new LocalSuperset(await resolveSupersetSettings({ stateDir: options.stateDir, port: options.port }, env), env);
}

/** Installs (cached), initialises and starts the local Superset; idempotent. */
export async function supersetUp(options: LocalSupersetOptions & { logger: Logger; signal?: AbortSignal }): Promise<SupersetUpResult> {
  return (await localSuperset(options)).up(options.logger, options.signal);
}

export async function supersetDown(options: LocalSupersetOptions & { logger: Logger }): Promise<boolean> {
  return (await localSuperset(options)).down(options.logger);
}
