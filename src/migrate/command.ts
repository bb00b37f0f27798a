import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';
import { STAGING_URL_OPTION, WAREHOUSE_URL_OPTION } from '../cli/shared-options.js';

export const MIGRATE_COMMAND: CommandSpec = {
  name: 'migrate',
  summary: 'create or upgrade the landing-zone and warehouse schemas (idempotent)',
  options: [STAGING_URL_OPTION, WAREHOUSE_URL_OPTION],
  load: notImplemented('migrate'),
};
