import type { Handler } from '../command/command-spec.js';
import { postgresUrl } from '../db/postgres-url.js';
import { migrateLanding } from '../landing/index.js';
import { openWarehouse } from '../warehouse/index.js';
import type { MigrateOptions } from './command.js';

export const migrate: Handler<MigrateOptions> = async (input, context) => {
  const { only } = input.options;
  const applied: string[] = [];
  if (only !== 'warehouse') {
    const url = postgresUrl(input.options.stagingUrl, 'TURNOVER_LANDING_URL');
    applied.push(...(await migrateLanding(url, context.logger)));
  }
  if (only !== 'landing') {
    const warehouse = await openWarehouse(input.options.warehouseUrl, context.logger);
    try {
      applied.push(...(await warehouse.migrate()));
    } finally {
      await warehouse.close();
    }
  }
  context.stdout.write(applied.length === 0 ? 'schemas are up to date\n' : `applied ${applied.length} migrations: ${applied.join(', ')}\n`);
};
