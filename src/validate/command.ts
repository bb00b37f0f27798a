import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';

export const VALIDATE_OPTIONS = defineOptions({
  json: { flags: '--json', description: 'print one JSON object {"valid","transactions","currencies","rejected":{reason: n}} instead of a table' },
  failOnReject: { flags: '--fail-on-reject', description: 'exit 10 (after the summary) when any message is rejected: a gate for CI' },
});

export type ValidateOptions = OptionsOf<typeof VALIDATE_OPTIONS>;

export const VALIDATE_COMMAND = defineCommand({
  name: 'validate',
  summary: 'parse a .jsonl feed without loading it; counts valid and rejected by reason',
  description:
    'Parses every line of a .jsonl feed (one Kafka message value per line) with the same parser as the STG load, '
    + 'without touching any server, and prints the counts of valid transactions and currencies and of rejects by reason. '
    + 'Exits 0 whenever the file was read, whatever it contained, unless --fail-on-reject (exit 10 when any message is rejected). Reasons: docs/feed-contract.md.',
  arguments: [{ name: '<file>', description: '.jsonl file, one Kafka message value per line' }],
  options: VALIDATE_OPTIONS,
  examples: ['turnover validate test/fixtures/live-feed/course-messages.jsonl', 'turnover validate --json feed.jsonl | jq .rejected', 'turnover validate --fail-on-reject samples/*.jsonl   # in CI'],
  load: async () => (await import('./run.js')).handler,
});
