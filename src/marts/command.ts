import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { positiveInt } from '../command/parsers.js';
import { INTERVAL_OPTIONS, UNAVAILABLE_TIMEOUT_OPTION, WAREHOUSE_URL_OPTION } from '../command/shared-options.js';
import { DEFAULT_DAYS_PER_TRANSACTION, DEFAULT_PARALLEL } from './options.js';

export const BUILD_MARTS_OPTIONS = defineOptions({
  ...INTERVAL_OPTIONS,
  ...WAREHOUSE_URL_OPTION,
  daysPerTransaction: {
    flags: '--days-per-transaction <n>',
    description: 'consecutive days rebuilt in one transaction (more: faster catch-up, longer locks)',
    env: 'TURNOVER_MARTS_DAYS_PER_TRANSACTION',
    defaultValue: DEFAULT_DAYS_PER_TRANSACTION,
    schema: positiveInt('--days-per-transaction'),
  },
  parallel: {
    flags: '--parallel <n>',
    description: `transactions in flight at once, each on its own connection (they still commit in day order; default ${DEFAULT_PARALLEL.postgres} on PostgreSQL, ${DEFAULT_PARALLEL.vertica} on Vertica, whose DML locks whole tables)`,
    env: 'TURNOVER_MARTS_PARALLEL',
    schema: positiveInt('--parallel'),
  },
  dryRun: { flags: '--dry-run', description: 'print the days that would be built, change nothing' },
  verify: {
    flags: '--verify',
    description:
      'build nothing: recompute the counted transactions and data-quality counts of --from/--to (default: every day) from STG ' +
      'and compare them with the aggregates that queue builds maintain incrementally; exit 7 with the first difference on a mismatch',
  },
  ...UNAVAILABLE_TIMEOUT_OPTION,
});

export type BuildMartsOptions = OptionsOf<typeof BUILD_MARTS_OPTIONS>;

export const BUILD_MARTS_COMMAND = defineCommand({
  name: 'build-marts',
  summary: 'rebuild day-grain marts for --from/--to, or the days STG touched since the last build',
  description:
    'Rebuilds cdm.global_metrics, cdm.turnover_drivers and cdm.data_quality_daily (with cdm.usd_rates_daily and ' +
    'cdm.currency_daily) by whole days, each replaced in one transaction. With --from/--to: exactly those days. ' +
    'Without: the days in the stg.touched_days queue, a late rate widened to the 7 days that may use it, plus the ' +
    'drivers of the day after each rebuilt day. Rerunning any interval gives identical tables. An unreachable warehouse ' +
    'is retried for --unavailable-timeout: the build starts again from the queue, the days already committed stay built.',
  options: BUILD_MARTS_OPTIONS,
  load: async () => (await import('./run.js')).buildMartsCommand,
  examples: [
    'turnover build-marts                                  # the days touched since the last build',
    'turnover build-marts --from 2022-10-01 --to 2022-10-31',
    'turnover build-marts --dry-run',
    'turnover build-marts --verify --from 2022-10-01 --to 2022-10-31',
  ],
});
