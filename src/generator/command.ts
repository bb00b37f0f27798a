import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { nonNegativeInt, positiveInt, positiveNumber } from '../command/parsers.js';
import { INTERVAL_OPTIONS, KAFKA_OPTIONS } from '../command/shared-options.js';
import { PRODUCER_LIBRARIES } from '../kafka/producer-library.js';

/** How messages are produced: shared by generate and replay. */
const PRODUCE_OPTIONS = defineOptions({
  partitions: { flags: '--partitions <n>', description: 'partitions of the topic when it has to be created', defaultValue: 3, schema: positiveInt('--partitions') },
  key: { flags: '--key <mode>', description: 'Kafka key: object-id (the message\'s object_id; partition by Kafka\'s murmur2 rule) or none (round robin)', defaultValue: 'object-id', choices: ['object-id', 'none'] },
  producer: { flags: '--producer <library>', description: 'producer library (platformatic spends about a third of kafkajs\' CPU per message)', defaultValue: 'platformatic', choices: PRODUCER_LIBRARIES },
  batchSize: { flags: '--batch-size <n>', description: 'messages per partition per produce request (also capped at 900 kB)', defaultValue: 2000, schema: positiveInt('--batch-size') },
  json: { flags: '--json', description: 'print the summary as one JSON object' },
});

export const GENERATE_OPTIONS = defineOptions({
  ...INTERVAL_OPTIONS,
  rate: { flags: '--rate <msgs>', description: 'live tail at this many messages/s after the backfill (timestamps = now), until SIGINT', schema: positiveNumber('--rate') },
  seed: { flags: '--seed <n>', description: 'random seed: same seed and options, same messages', defaultValue: 1, schema: nonNegativeInt('--seed') },
  transactionsPerDay: { flags: '--transactions-per-day <n>', description: 'mean operations started per day in the backfill (about 3 messages each)', defaultValue: 10_000, schema: positiveInt('--transactions-per-day') },
  customers: { flags: '--customers <n>', description: 'size of the customer book (default 1.5 x transactions per day, at most 2 million)', schema: positiveInt('--customers') },
  scenario: { flags: '--scenario <spec>', description: 'KIND[:ARG]...@WHEN, repeatable, e.g. fx-shock:440:+10%@2023-03-05 (see docs/generator.md)', repeatable: true },
  out: { flags: '--out <file>', description: 'write a .jsonl file (one message value per line) instead of producing to Kafka' },
  maxMessages: { flags: '--max-messages <n>', description: 'stop after this many messages', schema: positiveInt('--max-messages') },
  skipMessages: {
    flags: '--skip-messages <n>',
    description: 'generate but do not send the first n messages: resumes an interrupted backfill, since a run\'s messages are deterministic',
    schema: nonNegativeInt('--skip-messages'),
  },
  ...PRODUCE_OPTIONS,
  ...KAFKA_OPTIONS,
});

export const REPLAY_OPTIONS = defineOptions({
  out: { flags: '--out <file>', description: 'write the messages to a .jsonl file instead of Kafka (to see a CSV conversion)' },
  ...PRODUCE_OPTIONS,
  ...KAFKA_OPTIONS,
});

export type GenerateOptions = OptionsOf<typeof GENERATE_OPTIONS>;
export type ReplayOptions = OptionsOf<typeof REPLAY_OPTIONS>;

export const GENERATE_COMMAND = defineCommand({
  name: 'generate',
  summary: 'synthetic feed that looks like the live one, into Kafka or a .jsonl file',
  description:
    'Generates the feed: 42 currency rates a day and payment operations with status lifecycles, in the live feed\'s mix, '
    + 'for whole days (--from/--to, as fast as the sink takes them) and/or as a live tail (--rate msg/s, until stopped). '
    + 'Deterministic for a --seed. Scenarios inject known effects on chosen days. Syntax and model: docs/generator.md.',
  options: GENERATE_OPTIONS,
  examples: [
    'turnover generate --from 2023-03-01 --to 2023-03-31 --transactions-per-day 100000',
    'turnover generate --from 2023-03-01 --to 2023-03-10 --out feed.jsonl --scenario fx-shock:440:+10%@2023-03-05 --scenario poison:25@2023-03-07',
    'turnover generate --rate 500',
  ],
  load: async () => (await import('./run.js')).handler,
});

export const REPLAY_COMMAND = defineCommand({
  name: 'replay',
  summary: 'produce a .jsonl feed or a feed CSV export into Kafka',
  description:
    'Produces a file into Kafka: a .jsonl feed (each line\'s bytes unchanged as one message value) or one of the feed\'s CSV exports '
    + '(course-transactions, course-currencies, course-currencies-history), converted to the message envelope. The format is detected '
    + 'from the first line. Conversion rules: docs/generator.md.',
  arguments: [{ name: '<file>', description: '.jsonl (one message value per line) or a course-*.csv export' }],
  options: REPLAY_OPTIONS,
  examples: ['turnover replay test/fixtures/live-feed/course-messages.jsonl', 'turnover replay --topic rates test/fixtures/live-feed/course-currencies-history.csv'],
  load: async () => (await import('./replay-run.js')).handler,
});
