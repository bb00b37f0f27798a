import type { Handler } from '../../command/command-spec.js';
import { ConfigError } from '../../errors.js';
import { loadDefinition } from '../definition/definition.js';
import { BI_WAREHOUSE_SOURCE, biWarehouseUrl, describeTarget, parseWarehouseTarget } from '../definition/warehouse-target.js';
import { printReport } from '../report.js';
import { provisionMetabase } from './metabase-provision.js';
import type { MetabaseProvisionOptions } from '../command.js';

function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new ConfigError(`${what} is not set`);
  return value;
}

/** `turnover bi metabase provision`: options validated here, then one provisioning run. */
export const provision: Handler<MetabaseProvisionOptions> = async ({ options }, context) => {
  const url = required(options.url, '--url / TURNOVER_METABASE_URL');
  if (!/^https?:\/\//.test(url)) throw new ConfigError(`--url must be an http(s):// URL, got "${url}"`);
  const user = required(options.user, '--user / TURNOVER_METABASE_USER');
  const password = required(options.password, 'the Metabase password (TURNOVER_METABASE_PASSWORD or --password)');
  const warehouseUrl = biWarehouseUrl(options.warehouseUrl, options.pipelineWarehouseUrl, (message) => context.logger.warn(message));
  const target = parseWarehouseTarget(warehouseUrl, BI_WAREHOUSE_SOURCE);
  const definition = loadDefinition(options.definition);
  context.logger.info({ metabase: url, warehouse: describeTarget(target) }, 'provisioning the turnover dashboard into Metabase');
  const retryForMs = options.retryFor === undefined ? undefined : options.retryFor * 1000;
  const report = await provisionMetabase({ url, user, password, definition, target, logger: context.logger, retryForMs });
  printReport(report.objects, context.stdout);
  context.stdout.write(`dashboard: ${report.dashboardUrl}\n`);
};
