import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';

export const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  summary: 'parse a .jsonl feed without loading it; counts valid and rejected by reason',
  arguments: [{ name: '<file>', description: '.jsonl file, one Kafka message value per line' }],
  options: [{ flags: '--json', description: 'print one JSON object instead of a table' }],
  load: notImplemented('validate'),
};
