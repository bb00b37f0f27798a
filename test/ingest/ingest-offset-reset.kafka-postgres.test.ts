import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useStack, type TestStack } from '../support/stack.js';
import { recreateTopic, topicIdOf } from '../support/recreate-topic.js';
import { produceFeed } from './feed.js';
import { acknowledgedSummary, expectedSummary, freePort, groupOffsets, IngesterProcess, landedSummary, metric, waitFor, withClient } from './ingest-harness.js';
import { duplicateKeyRefusals, ingestMetric } from './landing-proof.js';
import { counts, incarnations, landingState, offsetResetSetUp, transactionTemplates, turnoverLines, type OffsetResetSetup } from './offset-reset-support.js';
import { assertStgLoadedIncarnations } from './stg-incarnations.js';

/**
 * Offsets that no longer fit Kafka's log (issue 17), against a real broker:
 * a topic deleted and created again (Kafka's topic id changes, offsets start
 * at 0 again) and a stored offset past the end of the log under the same id.
 * Without --on-offset-reset the ingester stops (exit 9) with one line and
 * writes nothing; with it, a new incarnation of the topic lands beside the
 * old rows, each record once, byte-exact, without a primary-key refusal, and
 * load-stg loads it. Retention gaps: ingest-retention.kafka-postgres.test.ts.
 */
describe('turnover ingest when the stored offsets no longer fit the log (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  const setUp = (label: string, partitions: number) => offsetResetSetUp(t, label, partitions);
  type Setup = OffsetResetSetup;

  /** Runs an ingester until the group's offsets in `incarnation` reach `ends`; returns it still running. */
  async function landUntil(s: Setup, incarnation: number, ends: ReadonlyMap<number, number>, args: readonly string[] = []): Promise<IngesterProcess> {
    const ingester = new IngesterProcess(s.env, args);
    const wanted = [...ends].sort(([a], [b]) => a - b);
    await waitFor(
      `incarnation ${incarnation} to land up to ${JSON.stringify(wanted)}`,
      async () => JSON.stringify([...(await groupOffsets(s.stagingUrl, s.group, s.topic, incarnation))].sort(([a], [b]) => a - b)) === JSON.stringify(wanted),
      120_000,
      ingester,
    );
    return ingester;
  }

  async function stop(ingester: IngesterProcess): Promise<void> {
    assert.equal((await ingester.kill('SIGTERM')).code, 0, ingester.stderr.slice(-3000));
  }


  it('a recreated topic (more partitions): exit 9 and one line, nothing written; earliest lands the new incarnation once, byte-exact, beside the old rows; load-stg loads it', async () => {
    const s = await setUp('reset_recreated', 2);
    const old = await produceFeed(t.kafka, s.topic, { from: 0, count: 1_000, partitions: 2, templates: transactionTemplates() });
    await stop(await landUntil(s, 0, counts(old)));
    const ids = await recreateTopic(t.kafka, s.topic, 3);
    assert.deepEqual(await incarnations(s), [[0, ids.was, 'first_seen', null, s.group]], 'the landing recorded Kafka\'s id of the topic it landed');
    const fresh = await produceFeed(t.kafka, s.topic, { from: 100_000, count: 900, partitions: 3, templates: transactionTemplates() });

    // (i) no policy: one line naming the change, exit 9, nothing written
    const before = await landingState(s);
    const stopped = new IngesterProcess(s.env);
    assert.equal((await stopped.exited).code, 9, stopped.stderr.slice(-3000));
    assert.deepEqual(turnoverLines(stopped.stderr), [
      `turnover: topic ${s.topic} was deleted and created again: Kafka's topic id is now ${ids.now}, the landing's incarnation 0 of it has topic id ${ids.was}. ` +
        'Nothing was skipped or written. To go on, start again with --on-offset-reset=earliest (land the log again from its first offset, under a new incarnation) or latest (from its end); see docs/operations.md',
    ]);
    assert.ok(stopped.logs.some((l) => l.level === 50 && l.reason === 'topic_recreated' && l.kafkaTopicId === ids.now && l.landingTopicId === ids.was), stopped.stderr);
    assert.deepEqual(await landingState(s), before, 'nothing was written');

    // (ii) earliest: every record of the new topic once, in incarnation 1; the old rows stay
    const port = await freePort();
    const ingester = await landUntil(s, 1, counts(fresh), ['--on-offset-reset', 'earliest', '--metrics-port', String(port)]);
    assert.equal(await ingestMetric(port, 'turnover_ingest_primary_key_hits_total'), 0);
    assert.equal(await ingestMetric(port, 'turnover_ingest_conflicts_total'), 0);
    assert.equal(await metric(port, 'turnover_ingest_offset_reset_total', 'reason="topic_recreated",action="earliest"'), 1);
    assert.equal(await ingestMetric(port, 'turnover_ingest_topic_incarnation'), 1);
    await stop(ingester);
    assert.ok(
      ingester.logs.some((l) => String(l.msg).endsWith('; opened incarnation 1 (--on-offset-reset=earliest): all 900 records of the new topic land from its first offsets')),
      ingester.stderr,
    );
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 1), expectedSummary(fresh), 'incarnation 1 == the new topic, each record once, byte-exact');
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 0), expectedSummary(old), 'incarnation 0 untouched');
    assert.deepEqual(await groupOffsets(s.stagingUrl, s.group, s.topic, 0), counts(old));
    assert.equal(await duplicateKeyRefusals(t, s.topic), 0, 'the primary key never refused a row');
    assert.deepEqual(await incarnations(s), [
      [0, ids.was, 'first_seen', null, s.group],
      [1, ids.now, 'topic_recreated', 'earliest', s.group],
    ]);

    await assertStgLoadedIncarnations(s, new Map([[0, old], [1, fresh]]));
  });

  it('a recreated topic (fewer partitions) with latest: skips what the new topic already holds, says how many, lands only later records', async () => {
    const s = await setUp('reset_latest', 3);
    const old = await produceFeed(t.kafka, s.topic, { from: 0, count: 600, partitions: 3 });
    await stop(await landUntil(s, 0, counts(old)));
    await recreateTopic(t.kafka, s.topic, 2);
    const skipped = await produceFeed(t.kafka, s.topic, { from: 200_000, count: 300, partitions: 2 });

    const port = await freePort();
    const ingester = await landUntil(s, 1, counts(skipped), ['--on-offset-reset', 'latest', '--metrics-port', String(port)]);
    assert.ok(
      ingester.logs.some((l) => String(l.msg).endsWith('; opened incarnation 1 (--on-offset-reset=latest): skipped 300 records already in the new topic; later ones land')),
      ingester.stderr,
    );
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 1), [], 'nothing of what the new topic held before the reset');
    // records produced after the reset land, at their offsets after the skipped ones
    const later = await produceFeed(t.kafka, s.topic, { from: 300_000, count: 200, partitions: 2 });
    await waitFor('the later records to land', async () => [...(await groupOffsets(s.stagingUrl, s.group, s.topic, 1)).values()].join() === '250,250', 120_000, ingester);
    assert.equal(await metric(port, 'turnover_ingest_skipped_records_total', 'reason="reset_latest"'), 300);
    assert.equal(await metric(port, 'turnover_ingest_offset_reset_total', 'reason="topic_recreated",action="latest"'), 1);
    assert.equal(await ingestMetric(port, 'turnover_ingest_primary_key_hits_total'), 0);
    await stop(ingester);
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 1), expectedSummaryFrom(later, 150), 'the later records, byte-exact, at offsets 150..249');
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 0), expectedSummary(old));
    assert.equal(await duplicateKeyRefusals(t, s.topic), 0);
  });

  it('a topic recreated while the ingester runs: with earliest it goes on in a new incarnation; without a policy the running ingester stops with exit 9', async () => {
    const s = await setUp('reset_live', 2);
    const old = await produceFeed(t.kafka, s.topic, { from: 0, count: 400, partitions: 2 });
    const port = await freePort();
    const ingester = await landUntil(s, 0, counts(old), ['--on-offset-reset', 'earliest', '--metrics-port', String(port)]);
    const first = await recreateTopic(t.kafka, s.topic, 2);
    const fresh = await produceFeed(t.kafka, s.topic, { from: 400_000, count: 300, partitions: 2 });
    await waitFor(
      'incarnation 1 to land the new topic',
      async () => JSON.stringify([...(await groupOffsets(s.stagingUrl, s.group, s.topic, 1))].sort()) === JSON.stringify([...counts(fresh)].sort()),
      120_000,
      ingester,
    );
    assert.equal(await ingestMetric(port, 'turnover_ingest_primary_key_hits_total'), 0);
    assert.equal(await ingestMetric(port, 'turnover_ingest_conflicts_total'), 0);
    assert.ok(ingester.logs.some((l) => l.msg === `the id of topic ${s.topic} changed from ${first.was} to ${first.now}: it was deleted and created again; joining the group again`), ingester.stderr);
    await stop(ingester);
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 1), expectedSummary(fresh));
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 0), expectedSummary(old));

    // the same without a policy: the running ingester stops at the change and writes nothing of the new topic
    const strict = new IngesterProcess(s.env);
    await waitFor('the strict ingester to start', () => strict.logs.some((l) => String(l.msg).startsWith('starting from PostgreSQL offsets (incarnation 1)')), 60_000, strict);
    const second = await recreateTopic(t.kafka, s.topic, 2);
    await produceFeed(t.kafka, s.topic, { from: 500_000, count: 100, partitions: 2 });
    assert.equal((await strict.exited).code, 9, strict.stderr.slice(-3000));
    assert.match(turnoverLines(strict.stderr)[0] ?? '', new RegExp(`^turnover: topic ${s.topic} was deleted and created again: Kafka's topic id is now ${second.now}, the landing's incarnation 1 of it has topic id ${second.was}\\. Nothing was skipped or written`));
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 1), expectedSummary(fresh), 'nothing of the third topic landed');
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 2), []);
    assert.equal(await duplicateKeyRefusals(t, s.topic), 0);
  });

  it('a stored offset past the log end under the same id (truncation): exit 9; latest continues at the end, earliest lands the partition again, the others go on', async () => {
    const s = await setUp('reset_truncated', 2);
    const old = await produceFeed(t.kafka, s.topic, { from: 0, count: 400, partitions: 2 });
    await stop(await landUntil(s, 0, counts(old)));
    // as if an unclean leader election had cut partition 0's log below what the landing holds
    await withClient(s.stagingUrl, (c) => c.query('update raw.consumer_offsets set next_offset = 700 where topic = $1 and partition = 0', [s.topic]));
    const before = await landingState(s);
    const stopped = new IngesterProcess(s.env);
    assert.equal((await stopped.exited).code, 9, stopped.stderr.slice(-3000));
    assert.match(
      turnoverLines(stopped.stderr).join('\n'),
      /^turnover: partition 0 of \S+: the landing's next offset 700 is past the end of Kafka's log \(200\), under the same topic id \S+ \(incarnation 0\): the log was truncated \(an unclean leader election\), or the offsets were written ahead\. Nothing was skipped or written\./,
    );
    assert.deepEqual(await landingState(s), before, 'nothing was written');

    // latest: partition 0 continues at the log's end in incarnation 1, partition 1 where it was
    const port = await freePort();
    const latest = await landUntil(s, 1, new Map([[0, 200], [1, 200]]), ['--on-offset-reset', 'latest', '--metrics-port', String(port)]);
    assert.equal(await metric(port, 'turnover_ingest_offset_reset_total', 'reason="log_truncated",action="latest"'), 1);
    const more = await produceFeed(t.kafka, s.topic, { from: 600_000, count: 100, partitions: 2 });
    await waitFor('the records after the reset to land', async () => [...(await groupOffsets(s.stagingUrl, s.group, s.topic, 1)).values()].every((n) => n === 250), 120_000, latest);
    assert.equal(await ingestMetric(port, 'turnover_ingest_primary_key_hits_total'), 0);
    await stop(latest);
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 1), expectedSummaryFrom(more, 200));

    // earliest, after partition 1 is "truncated" in incarnation 1: it lands its whole log again in incarnation 2
    await withClient(s.stagingUrl, (c) => c.query('update raw.consumer_offsets set next_offset = 900 where topic = $1 and incarnation = 1 and partition = 1', [s.topic]));
    const earliest = await landUntil(s, 2, new Map([[0, 250], [1, 250]]), ['--on-offset-reset', 'earliest']);
    await stop(earliest);
    const partition1 = [...old.get(1)!, ...more.get(1)!];
    assert.deepEqual(await landedSummary(s.stagingUrl, s.topic, 2), expectedSummary(new Map([[1, partition1]])), 'partition 1 whole again, partition 0 nothing (it went on at 250)');
    const id = await topicIdOf(t.kafka, s.topic);
    assert.deepEqual(await incarnations(s), [
      [0, id, 'first_seen', null, s.group],
      [1, id, 'log_truncated', 'latest', s.group],
      [2, id, 'log_truncated', 'earliest', s.group],
    ]);
    assert.equal(await duplicateKeyRefusals(t, s.topic), 0);
  });
});

/** The summary values must land as at offsets first, first + 1, … of each partition (no keys, as produceFeed sends them). */
function expectedSummaryFrom(values: ReadonlyMap<number, Buffer[]>, first: number) {
  return acknowledgedSummary(new Map([...values].map(([p, v]) => [p, v.map((value, i) => ({ offset: first + i, key: null, value }))])));
}
