import type { CommandSpec, OptionSpec } from '../command/command-spec.js';
import { collect, nonNegativeInt, positiveInt, positiveNumber } from '../command/parsers.js';
import { INTERVAL_OPTIONS, KAFKA_OPTIONS } from '../command/shared-options.js';
import { PRODUCER_LIBRARIES } from '../kafka/producer-library.js';

/** How messages are produced: shared by generate and replay. */
const PRODUCE_OPTIONS: readonly OptionSpec[] = [
  { flags: '--partitions <n>', description: 'partitions of the topic when it has to be created', defaultValue: 3, parse: positiveInt('--partitions') },
  { flags: '--key <mode>', description: 'Kafka key: object-id (the message\'s object_id; partition by Kafka\'s murmur2 rule) or none (round robin)', defaultValue: 'object-id', choices: ['object-id', 'none'] },
  { flags: '--producer <library>', description: 'producer library (platformatic spends about a third of kafkajs\' CPU per message)', defaultValue: 'platformatic', choices: PRODUCER_LIBRARIES },
  { flags: '--batch-size <n>', description: 'messages per partition per produce request (also capped at 900 kB)', defaultValue: 2000, parse: positiveInt('--batch-size') },
  { flags: '--json', description: 'print the summary as one JSON object' },
];

export const GENERATE_COMMAND: CommandSpec = {
  name: 'generate',
  summary: 'synthetic feed that looks like the live one, into Kafka or a .jsonl file',
  description:
    'Generates the feed: 42 currency rates a day and payment operations with status lifecycles, in the live feed\'s mix, '
    + 'for whole days (--from/--to, as fast as the sink takes them) and/or as a live tail (--rate msg/s, until stopped). '
    + 'Deterministic for a --seed. Scenarios inject known effects on chosen days. Syntax and model: docs/generator.md.',
  options: [
    ...INTERVAL_OPTIONS,
    { flags: '--rate <msgs>', description: 'live tail at this many messages/s after the backfill (timestamps = now), until SIGINT', parse: positiveNumber('--rate') },
    { flags: '--seed <n>', description: 'random seed: same seed and options, same messages', defaultValue: 1, parse: nonNegativeInt('--seed') },
    { flags: '--transactions-per-day <n>', description: 'mean operations started per day in the backfill (about 3 messages each)', defaultValue: 10_000, parse: positiveInt('--transactions-per-day') },
    { flags: '--customers <n>', description: 'size of the customer book (default 1.5 x transactions per day, at most 2 million)', parse: positiveInt('--customers') },
    { flags: '--scenario <spec>', description: 'KIND[:ARG]...@WHEN, repeatable, e.g. fx-shock:440:+10%@2023-03-05 (see docs/generator.md)', parse: collect },
    { flags: '--out <file>', description: 'write a .jsonl file (one message value per line) instead of producing to Kafka' },
    { flags: '--max-messages <n>', description: 'stop after this many messages', parse: positiveInt('--max-messages') },
    {
      flags: '--skip-messages <n>',
      description: 'generate but do not send the first n messages: resumes an interrupted backfill, since a run\'s messages are deterministic',
      parse: nonNegativeInt('--skip-messages'),
    },
    ...PRODUCE_OPTIONS,
    ...KAFKA_OPTIONS,
  ],
  examples: [
    'turnover generate --from 2023-03-01 --to 2023-03-31 --transactions-per-day 100000',
    'turnover generate --from 2023-03-01 --to 2023-03-10 --out feed.jsonl --scenario fx-shock:440:+10%@2023-03-05 --scenario poison:25@2023-03-07',
    'turnover generate --rate 500',
  ],
  load: async () => (await import('./run.js')).handler,
};

export const REPLAY_COMMAND: CommandSpec = {
  name: 'replay',
  summary: 'produce a .jsonl feed or a feed CSV export into Kafka',
  description:
    'Produces a file into Kafka: a .jsonl feed (each line\'s bytes unchanged as one message value) or one of the feed\'s CSV exports '
    + '(course-transactions, course-currencies, course-currencies-history), converted to the message envelope. The format is detected '
    + 'from the first line. Conversion rules: docs/generator.md.',
  arguments: [{ name: '<file>', description: '.jsonl (one message value per line) or a course-*.csv export' }],
  options: [
    { flags: '--out <file>', description: 'write the messages to a .jsonl file instead of Kafka (to see a CSV conversion)' },
    ...PRODUCE_OPTIONS,
    ...KAFKA_OPTIONS,
  ],
  examples: ['turnover replay test/fixtures/live-feed/course-messages.jsonl', 'turnover replay --topic rates test/fixtures/live-feed/course-currencies-history.csv'],
  load: async () => (await import('./replay-run.js')).handler,
};
