import type { CommandSpec } from '../command/command-spec.js';

export const VALIDATE_COMMAND: CommandSpec = {
  name: 'validate',
  summary: 'parse a .jsonl feed without loading it; counts valid and rejected by reason',
  description:
    'Parses every line of a .jsonl feed (one Kafka message value per line) with the same parser as the STG load, '
    + 'without touching any server, and prints the counts of valid transactions and currencies and of rejects by reason. '
    + 'Exits 0 whenever the file was read, whatever it contained. Reasons: docs/feed-contract.md.',
  arguments: [{ name: '<file>', description: '.jsonl file, one Kafka message value per line' }],
  options: [{ flags: '--json', description: 'print one JSON object {"valid","transactions","currencies","rejected":{reason: n}} instead of a table' }],
  examples: ['turnover validate test/fixtures/live-feed/course-messages.jsonl', 'turnover validate --json feed.jsonl | jq .rejected'],
  load: async () => (await import('./run.js')).handler,
};
