import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { LANDING_URL_OPTION, WAREHOUSE_URL_OPTION } from '../command/shared-options.js';

export const MIGRATE_OPTIONS = defineOptions({
  ...LANDING_URL_OPTION,
  ...WAREHOUSE_URL_OPTION,
  only: { flags: '--only <target>', description: 'migrate only one side', choices: ['landing', 'warehouse'] },
});

export type MigrateOptions = OptionsOf<typeof MIGRATE_OPTIONS>;

export const MIGRATE_COMMAND = defineCommand({
  name: 'migrate',
  summary: 'create or upgrade the landing-zone and warehouse schemas (idempotent, safe to run concurrently)',
  description:
    'Applies the versioned migrations under sql/landing/migrations to TURNOVER_LANDING_URL and the STG and CDM ' +
    'migrations of the warehouse dialect to TURNOVER_WAREHOUSE_URL. Each migration runs once; a second run changes nothing.',
  options: MIGRATE_OPTIONS,
  load: async () => (await import('./run.js')).migrate,
});
