import { ConfigError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { readAdmin, resolveSupersetSettings } from '../../stack/index.js';
import { loadDefinition, type Definition } from '../definition/definition.js';
import { BI_WAREHOUSE_SOURCE, parseWarehouseTarget } from '../definition/warehouse-target.js';
import { provisionSuperset as provision, type SupersetProvisionReport } from './superset-provision.js';

/**
 * Provisioning Superset, for `turnover up --with-superset` and tests: the
 * same steps as `turnover bi superset provision`, without the CLI. Running a
 * local Superset is the stack's (src/stack/superset/).
 */

export type { SupersetProvisionReport };

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
  const target = parseWarehouseTarget(options.warehouseUrl, BI_WAREHOUSE_SOURCE);
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
