import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';
import { INTERVAL_OPTIONS, KAFKA_OPTIONS } from '../cli/shared-options.js';

export const GENERATE_COMMAND: CommandSpec = {
  name: 'generate',
  summary: 'synthetic feed that looks like the live one, into Kafka or a .jsonl file',
  options: [...INTERVAL_OPTIONS, ...KAFKA_OPTIONS],
  load: notImplemented('generate'),
};

export const REPLAY_COMMAND: CommandSpec = {
  name: 'replay',
  summary: 'produce a .jsonl feed or a feed CSV export into Kafka',
  arguments: [{ name: '<file>', description: '.jsonl (one message value per line) or a course-*.csv export' }],
  options: [...KAFKA_OPTIONS],
  load: notImplemented('replay'),
};
