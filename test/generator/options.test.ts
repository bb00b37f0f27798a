import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_VALUES } from '../../src/command/edge-values.js';
import { parseOptions } from '../../src/command/option-values.js';
import { GENERATE_OPTIONS } from '../../src/generator/command.js';
import { generateConfigFrom } from '../../src/generator/options.js';
import { feedSegments } from '../../src/generator/run.js';

const NOW = new Date('2023-03-10T12:00:00Z');
/** The config of these flags' values, through the command kit as the CLI gives them. */
const configOf = (raw: Record<string, unknown>) => generateConfigFrom(parseOptions(GENERATE_OPTIONS, raw), NO_VALUES, NOW);
const base = { seed: 1, transactionsPerDay: 100, out: 'x.jsonl', partitions: 3, key: 'object-id', producer: 'platformatic', batchSize: 2000 };

test('the interval defaults are the last 7 full days, up to yesterday, or the 7 days ending at --to', () => {
  assert.deepEqual(configOf(base).range, { from: '2023-03-03', to: '2023-03-09' });
  assert.deepEqual(configOf({ ...base, from: '2023-03-01' }).range, { from: '2023-03-01', to: '2023-03-09' });
  assert.deepEqual(configOf({ ...base, from: '2023-04-01' }).range, { from: '2023-04-01', to: '2023-04-01' });
  assert.deepEqual(configOf({ ...base, to: '2023-02-28' }).range, { from: '2023-02-22', to: '2023-02-28' });
  assert.throws(() => configOf({ ...base, from: '2023-03-05', to: '2023-03-01' }), /before --from/);
});

test('with --rate alone there is no backfill; with a range reaching today the backfill stops at yesterday', () => {
  const live = configOf({ ...base, rate: 100 });
  assert.equal(live.range, undefined);
  const segments = feedSegments(live, NOW.getTime());
  assert.equal(segments.length, 1);
  assert.equal(segments[0]!.live, true);
  assert.equal(segments[0]!.options.startAt, NOW.getTime());
  assert.equal(segments[0]!.options.to, undefined);
  const both = configOf({ ...base, rate: 100, from: '2023-03-01', to: '2023-03-31' });
  assert.deepEqual(both.range, { from: '2023-03-01', to: '2023-03-09' });
  assert.deepEqual(feedSegments(both, NOW.getTime()).map((s) => s.live), [false, true]);
  assert.equal(configOf({ ...base, rate: 100, from: '2023-03-10', to: '2023-03-12' }).range, undefined);
});

test('a customer book beyond the account space is a usage error', () => {
  assert.throws(() => configOf({ ...base, customers: 5_000_000 }), (e: Error & { code?: string }) => e.code === 'USAGE');
});
