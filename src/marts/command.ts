import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';
import { INTERVAL_OPTIONS, WAREHOUSE_URL_OPTION } from '../cli/shared-options.js';

export const BUILD_MARTS_COMMAND: CommandSpec = {
  name: 'build-marts',
  summary: 'rebuild day-grain marts for --from/--to, or the days STG touched since the last build',
  options: [...INTERVAL_OPTIONS, WAREHOUSE_URL_OPTION],
  load: notImplemented('build-marts'),
};
