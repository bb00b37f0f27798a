import type { Handler } from '../../command/command-spec.js';
import { StackError } from '../../errors.js';
import { LocalSuperset, resolveSupersetSettings } from '../../stack/index.js';
import { BI_WAREHOUSE_SOURCE, biWarehouseUrl, describeTarget, parseWarehouseTarget } from '../definition/warehouse-target.js';
import { printReport } from '../report.js';
import { provisionSuperset } from './index.js';
import type { SupersetProvisionReport } from './superset-provision.js';

/** `turnover bi superset provision`; `up|status|down` run the local server and are the stack's (src/stack/superset/). */
const provision: Handler = async (input, context) => {
  const settings = await resolveSupersetSettings(input.options, context.env);
  const supersetUrl = typeof input.options.supersetUrl === 'string' && input.options.supersetUrl ? input.options.supersetUrl : undefined;
  if (supersetUrl === undefined && !(await new LocalSuperset(settings, context.env).healthy())) {
    throw new StackError(`no Superset answers at ${settings.url}: run \`turnover bi superset up\` or pass --superset-url`);
  }
  const warehouseUrl = biWarehouseUrl(input.options.warehouseUrl, context.env.TURNOVER_WAREHOUSE_URL, (message) => context.logger.warn(message));
  const target = parseWarehouseTarget(warehouseUrl, BI_WAREHOUSE_SOURCE);
  context.logger.info({ warehouse: describeTarget(target) }, 'provisioning the turnover dashboard into Superset');
  const report: SupersetProvisionReport = await provisionSuperset({
    logger: context.logger,
    warehouseUrl: String(warehouseUrl),
    supersetUrl,
    stateDir: input.options.stateDir as string | undefined,
    env: context.env,
    definition: input.options.definition as string | undefined,
    retryForMs: input.options.retryFor === undefined ? undefined : Number(input.options.retryFor) * 1000,
  });
  printReport(report.objects, context.stdout);
  context.stdout.write(`dashboard: ${report.dashboardUrl}\n`);
};

export const handlers = { provision } as const;
