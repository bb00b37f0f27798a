import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';
import { WAREHOUSE_URL_OPTION } from '../cli/shared-options.js';

export const DASHBOARD_COMMAND: CommandSpec = {
  name: 'dashboard',
  summary: 'the built-in web dashboard over the marts',
  options: [WAREHOUSE_URL_OPTION],
  load: notImplemented('dashboard'),
};
