import type { CommandContext } from '../command/command-spec.js';
import { operationalError } from '../db/operational-error.js';
import { TurnoverError } from '../errors.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { FIRST_DAY, LAST_DAY, type Day } from './days.js';
import { describeDifference, maintainsAggregates, verifyAggregates, type AggregateDifference } from './maintained-aggregates.js';
import type { BuildMartsConfig } from './options.js';

/**
 * `build-marts --verify`: the referee of incremental maintenance. Under the
 * build lock (a fold never overlaps a build's), folds STG's change logs and
 * compares the maintained aggregates with the counted transactions and data
 * quality's transaction metrics recomputed from STG (maintained-aggregates.ts).
 */
export async function verifyMaintained(warehouse: Warehouse, from: Day, to: Day): Promise<AggregateDifference[]> {
  const lease = await warehouse.connect();
  try {
    return await lease.transaction(async (session) => {
      await session.query(warehouse.sql('mart_build_lock'));
      return verifyAggregates(warehouse, from, to);
    });
  } finally {
    await lease.close();
  }
}

export async function verifyCommand(config: BuildMartsConfig, context: CommandContext): Promise<number> {
  const { from, to } = config.interval ?? { from: FIRST_DAY, to: LAST_DAY };
  const what = config.interval ? `${from}..${to}` : 'every day';
  const warehouse = await openWarehouse(config.warehouseUrl, context.logger);
  try {
    if (!maintainsAggregates(warehouse)) {
      throw new TurnoverError('NOT_IMPLEMENTED', `build-marts --verify: the ${warehouse.dialect} warehouse keeps no incremental aggregates (every build reads STG), so there is nothing to verify`);
    }
    const differences = await verifyMaintained(warehouse, from, to).catch((error: unknown) => {
      throw operationalError(error, 'build-marts --verify');
    });
    if (differences.length > 0) {
      const more = differences.length > 1 ? ` (and ${differences.length === 20 ? 'at least ' : ''}${differences.length - 1} more)` : '';
      throw new TurnoverError('RECONCILIATION', `build-marts --verify: the maintained aggregates differ from STG over ${what}: ${describeDifference(differences[0]!)}${more}`);
    }
    context.stdout.write(`verified ${what}: the maintained aggregates equal STG\n`);
    return 0;
  } finally {
    await warehouse.close().catch(() => undefined);
  }
}
