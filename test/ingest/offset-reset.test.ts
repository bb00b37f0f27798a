import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { TopicLog } from '../../src/kafka/client.js';
import { judgeOffsets, mismatchLine, planReset, stopLine } from '../../src/ingest/offset-reset.js';
import type { TopicIncarnation } from '../../src/landing/index.js';

/**
 * The judgement of stored offsets against Kafka's log and the plan of a
 * reset, over arbitrary landings and logs (fast-check, seeded). The
 * properties are what docs/ingest.md promises, stated on their own terms:
 * which case is seen, that a reset always ends in offsets that fit, and what
 * `earliest` and `latest` leave out.
 */

const SEED = 1717;
const IDS = ['AAAAAAAAAAAAAAAAAAAAAQ', 'AAAAAAAAAAAAAAAAAAAAAg', 'AAAAAAAAAAAAAAAAAAAAAw'];

const partitionLog = fc.record({ low: fc.nat({ max: 1_000 }), length: fc.nat({ max: 1_000 }) }).map(({ low, length }) => ({ low, high: low + length }));

const scenario = fc.record({
  current: fc.option(
    fc.record({
      incarnation: fc.nat({ max: 5 }),
      topicId: fc.option(fc.constantFrom(...IDS), { nil: null }),
      idSeenBefore: fc.boolean(),
    }),
    { nil: null },
  ),
  kafkaId: fc.option(fc.constantFrom(...IDS), { freq: 8, nil: null }),
  partitions: fc.array(partitionLog, { minLength: 1, maxLength: 6 }),
  // per partition: no row, or an offset relative to its log, often right at an edge (below, inside, above)
  stored: fc.array(
    fc.option(
      fc.record({ from: fc.constantFrom('low' as const, 'high' as const), delta: fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -500, max: 500 })) }),
      { nil: null },
    ),
    { minLength: 6, maxLength: 6 },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function inputs(s: Scenario): { current: TopicIncarnation | null; log: TopicLog; stored: Map<number, number | null> } {
  const current = s.current === null ? null : { ...s.current, reason: 'first_seen' as const };
  const log: TopicLog = { topicId: s.kafkaId, partitions: s.partitions.map((p, partition) => ({ partition, low: BigInt(p.low), high: BigInt(p.high) })) };
  const stored = new Map(
    s.partitions.map((bounds, p) => {
      const at = s.stored[p];
      return [p, at === null || at === undefined ? null : Math.max(0, bounds[at.from] + at.delta)];
    }),
  );
  return { current, log, stored };
}

test('each case is told by the topic id first, then by stored offsets past the end; nothing else stops', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const { current, log, stored } = inputs(s);
      const judgement = judgeOffsets(current, log, stored);
      const pastEnd = s.partitions.map((p, i) => i).filter((i) => stored.get(i) !== null && stored.get(i)! > s.partitions[i]!.high);
      if (current === null) return assert.deepEqual(judgement, { kind: 'record_id', incarnation: null, topicId: s.kafkaId });
      if (s.kafkaId !== null && current.idSeenBefore) return assert.equal(judgement.kind, 'stale_metadata');
      if (s.kafkaId !== null && current.topicId === null) return assert.deepEqual(judgement, { kind: 'record_id', incarnation: current.incarnation, topicId: s.kafkaId });
      if (s.kafkaId !== null && current.topicId !== s.kafkaId) return assert.equal(judgement.kind, 'topic_recreated');
      if (pastEnd.length > 0) {
        assert.equal(judgement.kind, 'log_truncated');
        return assert.deepEqual(judgement.kind === 'log_truncated' && judgement.partitions.map((t) => t.partition), pastEnd);
      }
      // a stored offset below the log's start is a retention gap: the partition goes on, never a stop
      assert.deepEqual(judgement, { kind: 'fits', incarnation: current.incarnation });
    }),
    { seed: SEED, numRuns: 2_000 },
  );
});

test('a reset always ends in offsets that fit the log; earliest misses nothing Kafka holds, latest skips exactly what it says', () => {
  fc.assert(
    fc.property(scenario, fc.constantFrom('earliest' as const, 'latest' as const), (s, to) => {
      const { current, log, stored } = inputs(s);
      const judgement = judgeOffsets(current, log, stored);
      if (judgement.kind !== 'topic_recreated' && judgement.kind !== 'log_truncated') return;
      const plan = planReset(judgement, log, stored, to);
      // the new incarnation, judged again with the starts the reset wrote: it fits
      const next = { incarnation: judgement.current.incarnation + 1, topicId: log.topicId, reason: judgement.kind, idSeenBefore: false };
      assert.deepEqual(judgeOffsets(next, log, plan.starts), { kind: 'fits', incarnation: next.incarnation });
      const reset = judgement.kind === 'topic_recreated' ? s.partitions.map((_, i) => i) : judgement.partitions.map((t) => t.partition);
      for (const p of reset) assert.equal(plan.starts.get(p), to === 'earliest' ? s.partitions[p]!.low : s.partitions[p]!.high, `partition ${p} starts at the log's ${to}`);
      if (judgement.kind === 'log_truncated') {
        // the partitions that were not cut go on exactly where they stood
        for (const [p, next] of stored) if (!reset.includes(p) && next !== null) assert.equal(plan.starts.get(p), next);
        assert.equal(plan.skipped, to === 'latest' ? null : 0, 'Kafka cannot say what a truncated log held past the cut');
      } else {
        assert.deepEqual([...plan.starts.keys()].sort(), s.partitions.map((_, i) => i), 'a recreated topic: every partition of the new one');
        assert.equal(plan.skipped, to === 'latest' ? s.partitions.reduce((n, p) => n + p.high - p.low, 0) : 0);
      }
    }),
    { seed: SEED, numRuns: 2_000 },
  );
});

test('the stop line names the case and the way on', () => {
  const current: TopicIncarnation = { incarnation: 2, topicId: IDS[0]!, reason: 'before_topic_ids', idSeenBefore: false };
  const recreated = mismatchLine('feed', { kind: 'topic_recreated', current, topicId: IDS[1]! });
  assert.equal(recreated, `topic feed was deleted and created again: Kafka's topic id is now ${IDS[1]}, the landing's incarnation 2 of it has topic id ${IDS[0]}`);
  const truncated = mismatchLine('feed', { kind: 'log_truncated', current, partitions: [{ partition: 1, stored: 90, low: 0, high: 40 }, { partition: 3, stored: 7, low: 0, high: 5 }] });
  assert.equal(
    truncated,
    "partition 1 of feed: the landing's next offset 90 is past the end of Kafka's log (40); partition 3 of feed: the landing's next offset 7 is past the end of Kafka's log (5), " +
      `under the same topic id ${IDS[0]} (incarnation 2): the log was truncated (an unclean leader election), or the offsets were written ahead, or the topic was recreated before the landing recorded its id`,
  );
  assert.match(stopLine(recreated), /\. Nothing was skipped or written\. To go on, start again with --on-offset-reset=earliest .* or latest .*; see docs\/operations\.md$/);
});
