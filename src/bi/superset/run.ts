import type { Handler } from '../../command/command-spec.js';
import { StackError } from '../../errors.js';
import { childEnv } from '../../process/child-env.js';
import { LocalSuperset, resolveSupersetSettings } from '../../stack/index.js';
import type { SupersetProvisionOptions } from '../command.js';
import { BI_WAREHOUSE_SOURCE, biWarehouseUrl, describeTarget, parseWarehouseTarget } from '../definition/warehouse-target.js';
import { printReport } from '../report.js';
import { provisionSuperset } from './index.js';
import type { SupersetProvisionReport } from './superset-provision.js';

/** `turnover bi superset provision`; `up|status|down` run the local server and are the stack's (src/stack/superset/). */
const provision: Handler<SupersetProvisionOptions> = async ({ options }, context) => {
  const env = childEnv();
  const settings = await resolveSupersetSettings(options, env);
  const supersetUrl = options.supersetUrl || undefined;
  if (supersetUrl === undefined && !(await new LocalSuperset(settings, env).healthy())) {
    throw new StackError(`no Superset answers at ${settings.url}: run \`turnover bi superset up\` or pass --superset-url`);
  }
  // unset reads as '', which parseWarehouseTarget refuses with one line naming both variables
  const warehouseUrl = biWarehouseUrl(options.warehouseUrl, options.pipelineWarehouseUrl, (message) => context.logger.warn(message)) ?? '';
  const target = parseWarehouseTarget(warehouseUrl, BI_WAREHOUSE_SOURCE);
  context.logger.info({ warehouse: describeTarget(target) }, 'provisioning the turnover dashboard into Superset');
  const user = context.secrets.get('TURNOVER_SUPERSET_ADMIN_USER');
  const password = context.secrets.get('TURNOVER_SUPERSET_ADMIN_PASSWORD');
  const report: SupersetProvisionReport = await provisionSuperset({
    logger: context.logger,
    warehouseUrl,
    supersetUrl,
    ...(user && password ? { admin: { user, password } } : {}),
    stateDir: options.stateDir,
    env,
    definition: options.definition,
    retryForMs: options.retryFor === undefined ? undefined : options.retryFor * 1000,
  });
  printReport(report.objects, context.stdout);
  context.stdout.write(`dashboard: ${report.dashboardUrl}\n`);
};

export const handlers = { provision } as const;
