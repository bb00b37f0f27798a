import { ConfigError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { loadDefinition, type Definition } from '../definition/definition.js';
import { parseWarehouseTarget } from '../definition/warehouse-target.js';
import { readAdmin } from './superset-secrets.js';
import { LocalSuperset, type SupersetStatus, type SupersetUpResult } from './superset-server.js';
import { provisionSuperset as provision, type SupersetProvisionReport } from './superset-provision.js';
import { resolveSupersetSettings } from './superset-settings.js';

/**
 * The programmatic API of the local Superset, for `turnover up
 * --with-superset` and tests: the same steps as the `turnover bi superset`
 * commands, without the CLI.
 */

export type { SupersetProvisionReport, SupersetStatus, SupersetUpResult };
export { LocalSuperset } from './superset-server.js';
export { resolveSupersetSettings } from './superset-settings.js';

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

export interface ProvisionOptions {
  readonly logger: Logger;
  /** postgres://… or vertica://…: the warehouse Superset will query. */
  readonly warehouseUrl: string;
  /** Default: the local Superset of `stateDir`. */
  readonly supersetUrl?: string;
  /** Default: TURNOVER_SUPERSET_ADMIN_USER/_PASSWORD, else the local Superset's admin.json. */
  readonly admin?: { readonly user: string; readonly password: string };
  readonly stateDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Default: bi/turnover.yaml. */
  readonly definition?: Definition | string;
  /** How long a request Superset does not answer is retried (default: httpPolicy's deadline, 60 s). */
  readonly retryForMs?: number;
}

/** Creates or updates the connection, datasets, charts and dashboard of the definition. */
export async function provisionSuperset(options: ProvisionOptions): Promise<SupersetProvisionReport> {
  const env = options.env ?? process.env;
  const target = parseWarehouseTarget(options.warehouseUrl, '--warehouse-url / TURNOVER_WAREHOUSE_URL');
  const definition = typeof options.definition === 'object' ? options.definition : loadDefinition(options.definition);
  const local = await resolveSupersetSettings({ stateDir: options.stateDir }, env);
  const url = options.supersetUrl ?? local.url;
  const fromEnv = env.TURNOVER_SUPERSET_ADMIN_USER && env.TURNOVER_SUPERSET_ADMIN_PASSWORD ? { user: env.TURNOVER_SUPERSET_ADMIN_USER, password: env.TURNOVER_SUPERSET_ADMIN_PASSWORD } : undefined;
  const admin = options.admin ?? fromEnv ?? (options.supersetUrl === undefined ? readAdmin(local.dir) : undefined);
  if (!admin) {
    throw new ConfigError(
      `no Superset credentials: set TURNOVER_SUPERSET_ADMIN_USER and TURNOVER_SUPERSET_ADMIN_PASSWORD${options.supersetUrl === undefined ? ` (or run \`turnover bi superset up\`, which keeps them in ${local.dir})` : ''}`,
    );
  }
  return provision({ url, admin, definition, target, logger: options.logger, retryForMs: options.retryForMs });
}
