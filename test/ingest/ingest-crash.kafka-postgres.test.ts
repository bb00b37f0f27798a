import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from './feed.js';
import { expectedSummary, groupOffsets, IngesterProcess, landedCount, landedSummary, migrateLanding, total, waitFor } from './ingest-harness.js';

/**
 * SPEC §3 / §6 reliability: kill -9 of the ingester at any moment loses
 * nothing and duplicates nothing. Small transactions and a small buffer make
 * the ingester slow enough that the kills land mid-stream, while the feed is
 * still being produced.
 */
describe('turnover ingest survives SIGKILL (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('lands 200,000 messages over 3 partitions exactly once across 6 SIGKILLs and restarts', async (ctx) => {
    const topic = await t.freshTopic('ingest_crash', 3);
    const { stagingUrl } = await t.freshDatabases('ingest_crash');
    await migrateLanding(stagingUrl);
    const group = 'crash-group';
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: group };
    const args = ['--batch-rows', '500', '--buffer-mb', '1', '--fetch-kb-per-partition', '64', '--session-timeout-ms', '6000'];
    const TOTAL = 200_000;

    // Each run gets fresh records to land while it is being killed: 20,000 first, 30,000 more per run.
    const produced = await produceFeed(t.kafka, topic, { from: 0, count: 20_000, partitions: 3 });
    const poll = await LandedPoll.open(stagingUrl, topic);
    ctx.after(() => poll.close());
    const killedAt: { landed: number; produced: number }[] = [];
    for (let kill = 0; kill < 6; kill++) {
      const before = await landedCount(stagingUrl, topic);
      const ingester = new IngesterProcess(env, args);
      await produceFeed(t.kafka, topic, { from: total(produced), count: 30_000, partitions: 3, into: produced });
      // a random moment while this run lands its share, chosen in records rather than in time so
      // that it falls mid-stream on a quiet machine as on a busy one (a new member first waits for
      // the dead one's session to expire)
      const target = before + 1 + Math.floor(Math.random() * 20_000);
      await poll.until(target, 120_000, ingester);
      const exit = await ingester.kill('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL', `run ${kill} had already exited: ${ingester.stderr}`);
      killedAt.push({ landed: await landedCount(stagingUrl, topic), produced: total(produced) });
    }
    assert.equal(total(produced), TOTAL);

    const last = new IngesterProcess(env, args);
    await waitFor('every produced record to land', async () => (await landedCount(stagingUrl, topic)) >= TOTAL, 180_000, last);
    // the last kill may have come after everything landed: let this run start before stopping it
    await waitFor('the last run to join the group', async () => last.latestAssignment() !== undefined, 120_000, last);
    const exit = await last.kill('SIGTERM');
    assert.equal(exit.code, 0, last.stderr);

    ctx.diagnostic(`landed/produced when each SIGKILL hit: ${killedAt.map((k) => `${k.landed}/${k.produced}`).join(', ')}`);
    // the kills really happened mid-stream, with work landed before and after them
    assert.ok(killedAt.filter((k) => k.landed > 0 && k.landed < k.produced).length >= 4, `landed/produced at the kills: ${JSON.stringify(killedAt)}`);

    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
    const offsets = await groupOffsets(stagingUrl, group, topic);
    assert.deepEqual(
      [...offsets].sort(([a], [b]) => a - b),
      [...produced].sort(([a], [b]) => a - b).map(([p, values]) => [p, values.length]),
    );
  });
});

/** Counts landed rows on one open connection, cheap enough to poll every few milliseconds. */
class LandedPoll {
  private constructor(
    private readonly client: pg.Client,
    private readonly topic: string,
  ) {}

  static async open(url: string, topic: string): Promise<LandedPoll> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new LandedPoll(client, topic);
  }

  async landed(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>('select count(*) as n from raw.kafka_messages where topic = $1', [this.topic]);
    return Number(rows[0]!.n);
  }

  /** Returns as soon as `target` rows are landed (polled every 10 ms), or fails with the ingester's log. */
  async until(target: number, timeoutMs: number, ingester: IngesterProcess): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.landed()) < target) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${target} landed rows:\n${ingester.stderr.split('\n').slice(-15).join('\n')}`);
      await sleep(10);
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
