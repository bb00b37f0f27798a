import type { Handler } from '../../command/command-spec.js';
import { ConfigError } from '../../errors.js';
import { loadDefinition } from '../definition/definition.js';
import { BI_WAREHOUSE_SOURCE, biWarehouseUrl, describeTarget, parseWarehouseTarget } from '../definition/warehouse-target.js';
import { printReport } from '../report.js';
import { provisionMetabase } from './metabase-provision.js';

function required(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${what} is not set`);
  return value;
}

/** `turnover bi metabase provision`: options validated here, then one provisioning run. */
export const provision: Handler = async (input, context) => {
  const url = required(input.options.url, '--url / TURNOVER_METABASE_URL');
  if (!/^https?:\/\//.test(url)) throw new ConfigError(`--url must be an http(s):// URL, got "${url}"`);
  const user = required(input.options.user, '--user / TURNOVER_METABASE_USER');
  const password = required(input.options.password, 'the Metabase password (TURNOVER_METABASE_PASSWORD or --password)');
  const warehouseUrl = biWarehouseUrl(input.options.warehouseUrl, context.env.TURNOVER_WAREHOUSE_URL, (message) => context.logger.warn(message));
  const target = parseWarehouseTarget(warehouseUrl, BI_WAREHOUSE_SOURCE);
  const definition = loadDefinition(input.options.definition as string | undefined);
  context.logger.info({ metabase: url, warehouse: describeTarget(target) }, 'provisioning the turnover dashboard into Metabase');
  const retryForMs = input.options.retryFor === undefined ? undefined : Number(input.options.retryFor) * 1000;
  const report = await provisionMetabase({ url, user, password, definition, target, logger: context.logger, retryForMs });
  printReport(report.objects, context.stdout);
  context.stdout.write(`dashboard: ${report.dashboardUrl}\n`);
};
