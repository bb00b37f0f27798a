import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';

export const UP_COMMAND: CommandSpec = {
  name: 'up',
  summary: 'the main job: local stack, generator, ingester, STG/mart runner and dashboard, all at once',
  load: notImplemented('up'),
};
