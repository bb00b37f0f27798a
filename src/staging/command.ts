import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';
import { STAGING_URL_OPTION, WAREHOUSE_URL_OPTION } from '../cli/shared-options.js';

export const LOAD_STG_COMMAND: CommandSpec = {
  name: 'load-stg',
  summary: 'raw landing -> warehouse STG: incremental, chunked, exactly once',
  options: [STAGING_URL_OPTION, WAREHOUSE_URL_OPTION],
  load: notImplemented('load-stg'),
};
