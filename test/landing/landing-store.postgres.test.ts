import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chainAdvances } from '../../src/ingest/batch-writer.js';
import { encodeFetched, LandingStore, type EncodedRows, type LandingOutcome, type LandingTransaction } from '../../src/landing/index.js';
import pg from 'pg';
import { classifySqlError, sqlStateOf } from '../../src/db/sqlstate.js';
import { landingSql } from '../../src/landing/landing-sql.js';
import { rawBatch } from '../kafka/raw-batch.js';
import { OffsetMismatchError } from '../../src/errors.js';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migratePostgres } from '../../src/db/postgres-migrator.js';
import { silentLogger } from '../../src/log/logger.js';
import { SQL_DIR } from '../../src/paths.js';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { liveFeedTemplates } from '../ingest/feed.js';
import { migrateLanding, withClient } from '../ingest/ingest-harness.js';
import { landingRows } from '../ingest/landing-rows.js';

const TOPIC = 'transaction-service-input';
const templates = liveFeedTemplates();

function values(from: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(templates[(from + i) % templates.length]!, 'utf8'));
}

/** Rows of `topic` partition `p` for offsets from..from + count - 1, as the ingester encodes them. */
function encodeRows(topic: string, p: number, from: number, count: number) {
  return landingRows(topic, p, from, values(from, count).map((value, i) => ({ key: null, value, timestamp: 1_664_582_400_000 + from + i })));
}

function outcome(result: LandingOutcome): string {
  if (result.outcome === 'committed') assert.deepEqual(result.rejects, [], 'nothing quarantined');
  return result.outcome;
}

function tx(advances: LandingTransaction['advances'], ...rows: EncodedRows[]): LandingTransaction {
  return { incarnation: 0, advances, chunks: rows, rejects: rows.flatMap((r) => r.rejects) };
}

/** The exactly-once step against a real PostgreSQL: the fence and the unique key. */
describe('LandingStore fenced landing (real PostgreSQL)', () => {
  let t: TestStack;
  let url: string;
  before(async () => {
    t = await useStack();
    url = (await t.freshDatabases('landing_store')).stagingUrl;
    await migrateLanding(url);
  });
  after(async () => {
    await t?.release();
  });

  it('the landing migration is idempotent', async () => {
    const again = await runCli(['migrate', '--only', 'landing'], { env: { TURNOVER_LANDING_URL: url } });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /up to date/);
  });

  it('advances only from the expected offset; a stale writer gets a conflict and lands nothing', async () => {
    const a = new LandingStore(url, 'g1', TOPIC);
    const b = new LandingStore(url, 'g1', TOPIC);
    try {
      assert.deepEqual(await a.readOffsets([0], 0), new Map([[0, null]]));
      assert.equal(outcome(await a.land(tx([{ partition: 0, expected: null, next: 3 }], encodeRows(TOPIC, 0, 0, 3)))), 'committed');
      // b still believes there is no row
      assert.equal(outcome(await b.land(tx([{ partition: 0, expected: null, next: 3 }], encodeRows(TOPIC, 0, 0, 3)))), 'conflict');
      assert.deepEqual(await b.readOffsets([0], 0), new Map([[0, 3]]));
      assert.equal(outcome(await b.land(tx([{ partition: 0, expected: 3, next: 5 }], encodeRows(TOPIC, 0, 3, 2)))), 'committed');
      // a is now stale
      assert.equal(outcome(await a.land(tx([{ partition: 0, expected: 3, next: 6 }], encodeRows(TOPIC, 0, 3, 3)))), 'conflict');
    } finally {
      await a.close();
      await b.close();
    }
    const rows = await withClient(url, async (c) => (await c.query(`select "offset", value from raw.kafka_messages where partition = 0 order by "offset"`)).rows);
    assert.deepEqual(rows.map((r) => Number(r.offset)), [0, 1, 2, 3, 4]);
    assert.deepEqual(rows.map((r) => r.value), values(0, 5));
  });

  it('a primary key hit is never absorbed: the fence was bypassed, the whole transaction rolls back and the landing stops (exit 9)', async () => {
    // another group's offsets say nothing landed (it bypassed read_offsets.sql), but the rows of partition 0 are there
    const store = new LandingStore(url, 'g2', TOPIC);
    try {
      await assert.rejects(
        store.land(tx([{ partition: 0, expected: null, next: 2 }, { partition: 1, expected: null, next: 2 }], encodeRows(TOPIC, 1, 0, 2), encodeRows(TOPIC, 0, 0, 2))),
        (error: unknown) => error instanceof OffsetMismatchError && /already there for an offset the fence said was new/.test(error.message),
      );
      // partition 0 continues after what is landed (a group without a row), partition 1 from the start
      assert.deepEqual(await store.readOffsets([0, 1], 0), new Map([[0, 5], [1, null]]));
    } finally {
      await store.close();
    }
    const partition1 = await withClient(url, async (c) => Number((await c.query('select count(*) as n from raw.kafka_messages where partition = 1')).rows[0].n));
    assert.equal(partition1, 0);
  });

  it('a group without offsets rows (renamed) continues after the landed rows', async () => {
    const renamed = new LandingStore(url, 'g1-renamed', TOPIC);
    try {
      const start = (await renamed.readOffsets([0], 0)).get(0)!;
      assert.equal(start, 5);
      assert.equal(outcome(await renamed.land(tx([{ partition: 0, expected: start, next: 7 }], encodeRows(TOPIC, 0, 5, 2)))), 'committed');
      assert.deepEqual(await renamed.readOffsets([0], 0), new Map([[0, 7]]));
      // its row now exists: a stale expectation is fenced like any other
      assert.equal(outcome(await renamed.land(tx([{ partition: 0, expected: 5, next: 8 }], encodeRows(TOPIC, 0, 5, 3)))), 'conflict');
    } finally {
      await renamed.close();
    }
    const offsets = await withClient(url, async (c) => (await c.query(`select "offset" from raw.kafka_messages where partition = 0 order by "offset"`)).rows.map((r) => Number(r.offset)));
    assert.deepEqual(offsets, [0, 1, 2, 3, 4, 5, 6]);
  });

  it('two writers racing on one partition: exactly one commits', async () => {
    const stores = [new LandingStore(url, 'g3', 'race-topic'), new LandingStore(url, 'g3', 'race-topic')];
        try {
      for (let round = 0; round < 10; round++) {
        const expected = round === 0 ? null : round * 10;
        const outcomes = await Promise.all(stores.map(async (s) => outcome(await s.land(tx([{ partition: 0, expected, next: (round + 1) * 10 }], encodeRows('race-topic', 0, round * 10, 10))))));
        assert.deepEqual([...outcomes].sort(), ['committed', 'conflict'], `round ${round}`);
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const counts = await withClient(url, async (c) => (await c.query(`select count(*) as n, count(distinct "offset") as d, max("offset") as m from raw.kafka_messages where topic = 'race-topic'`)).rows[0]);
    assert.deepEqual([Number(counts.n), Number(counts.d), Number(counts.m)], [100, 100, 99]);
  });

  it('an unreadable batch goes to raw.landing_rejects whole, in the transaction that moves the offset past it', async () => {
    const good = rawBatch([{ key: 'k', value: 'landed', headers: [['h', null]], timestamp: 7n }], { baseOffset: 0n });
    const corrupt = rawBatch([{ key: null, value: 'changed on disk', timestamp: 8n }, { key: null, value: 'too', timestamp: 9n }], { baseOffset: 1n });
    corrupt.writeUInt8(corrupt.readUInt8(70) ^ 0xff, 70);
    const rows = encodeFetched({ topic: Buffer.from('rejects-topic'), incarnation: 0, partition: 0 }, Buffer.concat([good, corrupt]), 0);
    const store = new LandingStore(url, 'g4', 'rejects-topic');
    try {
      const result = await store.land({ incarnation: 0, advances: [{ partition: 0, expected: null, next: rows.next }], chunks: [rows], rejects: rows.rejects });
      assert.equal(result.outcome, 'committed');
      assert.deepEqual(await store.readOffsets([0], 0), new Map([[0, 3]]));
    } finally {
      await store.close();
    }
    const [reject] = await withClient(url, async (c) => (await c.query(`select "offset", reason, sqlstate, detail, value, value_length, kafka_timestamp_ms::text as ms from raw.landing_rejects where topic = 'rejects-topic'`)).rows);
    assert.deepEqual([Number(reject.offset), reject.reason, reject.sqlstate, Number(reject.value_length), reject.ms], [1, 'corrupt_batch', null, corrupt.length, '9']);
    assert.deepEqual(reject.value, corrupt, 'the batch exactly as fetched');
    assert.match(reject.detail, /^CRC-32C mismatch: .*; the batch holds offsets 1\.\.2 and is kept whole in value$/);
    const landed = await withClient(url, async (c) => (await c.query(`select "offset", value, headers from raw.kafka_messages where topic = 'rejects-topic'`)).rows);
    assert.deepEqual(landed, [{ offset: '0', value: Buffer.from('landed'), headers: [[Buffer.from('h'), null]] }]);
  });

  it('a new incarnation of a topic lands rows at offsets the old one holds; opening it is one transaction that one writer wins', async () => {
    const topic = 'recreated-topic';
    const [a, b] = [new LandingStore(url, 'g5', topic), new LandingStore(url, 'g5', topic)];
    try {
      assert.equal(await a.incarnation('idA'), null, 'a topic never seen');
      await a.recordTopicId(null, 'idA');
      await b.recordTopicId(null, 'idA'); // two members starting together: one row
      assert.deepEqual(await a.incarnation('idA'), { incarnation: 0, topicId: 'idA', reason: 'first_seen', idSeenBefore: false });
      assert.equal(outcome(await a.land(tx([{ partition: 0, expected: null, next: 3 }], encodeRows(topic, 0, 0, 3)))), 'committed');

      const open = { incarnation: 1, topicId: 'idB', reason: 'topic_recreated' as const, resetTo: 'earliest' as const, starts: new Map([[0, 0], [1, 0]]) };
      const opened = await Promise.all([a.openIncarnation(open), b.openIncarnation({ ...open, starts: new Map([[0, 99]]) })]);
      assert.deepEqual([...opened].sort(), [false, true], 'exactly one opens it');
      assert.deepEqual(await b.readOffsets([0, 1], 1), opened[0] ? new Map([[0, 0], [1, 0]]) : new Map([[0, 99], [1, null]]), "the winner's starting offsets, all of them");
      assert.deepEqual(await a.incarnation('idB'), { incarnation: 1, topicId: 'idB', reason: 'topic_recreated', idSeenBefore: false });
      assert.deepEqual(await a.incarnation('idA'), { incarnation: 1, topicId: 'idB', reason: 'topic_recreated', idSeenBefore: true }, 'an old id is stale metadata');

      const start = (await a.readOffsets([0], 1)).get(0)!;
      const rows = landingRows(topic, 0, start, values(100, 3).map((value) => ({ key: null, value, timestamp: 1 })), 1);
      const landed = await a.land({ incarnation: 1, advances: [{ partition: 0, expected: start, next: start + 3 }], chunks: [rows], rejects: [] });
      assert.equal(outcome(landed), 'committed');
      assert.deepEqual(await a.readOffsets([0], 0), new Map([[0, 3]]), 'incarnation 0 untouched');
    } finally {
      await a.close();
      await b.close();
    }
    const rows = await withClient(url, async (c) => (await c.query('select incarnation, "offset", value from raw.kafka_messages where topic = $1 order by 1, 2', [topic])).rows);
    const start = rows.find((r) => r.incarnation === 1)!.offset;
    assert.deepEqual(
      rows.map((r) => [r.incarnation, Number(r.offset), r.value]),
      [...values(0, 3).map((v, i) => [0, i, v]), ...values(100, 3).map((v, i) => [1, Number(start) + i, v])],
    );
  });

  it('migration 0003 keeps the rows landed before it as incarnation 0 of their topic, id to be recorded', async () => {
    const old = (await t.freshDatabases('landing_0002')).stagingUrl;
    const dir = mkdtempSync(join(tmpdir(), 'turnover-landing-0002-'));
    for (const file of ['0001_raw_landing.sql', '0002_land_any_record.sql']) copyFileSync(join(SQL_DIR, 'landing', 'migrations', file), join(dir, file));
    await migratePostgres(old, 'landing', dir, silentLogger());
    await withClient(old, async (c) => {
      await c.query(`insert into raw.kafka_messages (topic, partition, "offset", value, kafka_timestamp_ms) select 'landed', p, o, 'v', 0 from generate_series(0, 2) p, generate_series(0, 9) o`);
      await c.query(`insert into raw.consumer_offsets (group_id, topic, partition, next_offset) values ('g', 'landed', 0, 10), ('g', 'offsets-only', 0, 5)`);
      await c.query(`insert into raw.landing_rejects (topic, partition, "offset", reason, detail, kafka_timestamp_ms) values ('rejects-only', 0, 0, 'corrupt_batch', 'x', 0)`);
    });
    await migrateLanding(old);
    await withClient(old, async (c) => {
      const incarnations = (await c.query('select topic, incarnation, topic_id, reason from raw.topic_incarnations order by topic')).rows;
      assert.deepEqual(incarnations, ['landed', 'offsets-only', 'rejects-only'].map((topic) => ({ topic, incarnation: 0, topic_id: null, reason: 'before_topic_ids' })));
      const counts = (await c.query('select incarnation, count(*)::int as n from raw.kafka_messages group by 1')).rows;
      assert.deepEqual(counts, [{ incarnation: 0, n: 30 }]);
      assert.deepEqual((await c.query('select incarnation from raw.consumer_offsets union all select incarnation from raw.landing_rejects')).rows, [{ incarnation: 0 }, { incarnation: 0 }, { incarnation: 0 }]);
      // the writers must name the incarnation from now on
      await assert.rejects(c.query(`insert into raw.kafka_messages (topic, partition, "offset", value, kafka_timestamp_ms) values ('landed', 0, 99, 'v', 0)`), /null value in column "incarnation"/);
    });
    const store = new LandingStore(old, 'g', 'landed');
    try {
      assert.deepEqual(await store.incarnation('idX'), { incarnation: 0, topicId: null, reason: 'before_topic_ids', idSeenBefore: false });
      await store.recordTopicId(0, 'idX');
      await store.recordTopicId(0, 'idY'); // a known id is never overwritten
      assert.deepEqual(await store.incarnation('idX'), { incarnation: 0, topicId: 'idX', reason: 'before_topic_ids', idSeenBefore: false });
      assert.deepEqual(await store.readOffsets([0, 1], 0), new Map([[0, 10], [1, 10]]), 'partition 1 has no row: after what is landed');
    } finally {
      await store.close();
    }
  });

  it('a writer frozen inside its transaction lets go after the idle timeout: the new owner lands, the frozen one gets an outage, its retry meets the fence', async () => {
    const FROZEN_TOPIC = 'frozen-topic';
    // the frozen writer: the landing session's idle timeout (1 s here; the ingester's is its group
    // session timeout), the fenced advance taken, then nothing more — as an ingester SIGSTOPped mid-transaction
    const frozen = new pg.Client({ connectionString: url });
    // the server's FATAL first, then the closed socket: the first one says why
    const ended = new Promise<unknown>((resolve) => frozen.on('error', resolve));
    await frozen.connect();
    await frozen.query(landingSql('ingest_session_idle_timeout'), ['1000']);
    await frozen.query('begin');
    const taken = await frozen.query(landingSql('advance_offsets'), ['g5', FROZEN_TOPIC, 0, [0], [null], [3]]);
    assert.equal(taken.rowCount, 1);
    const owner = new LandingStore(url, 'g5', FROZEN_TOPIC);
    try {
      // waits on the frozen writer's offset row until PostgreSQL ends that session, then lands
      assert.equal(outcome(await owner.land(tx([{ partition: 0, expected: null, next: 3 }], encodeRows(FROZEN_TOPIC, 0, 0, 3)))), 'committed');
    } finally {
      await owner.close();
    }
    const error = await ended;
    assert.equal(sqlStateOf(error), '25P03');
    assert.equal(classifySqlError(error), 'unavailable', 'retried in a new session, not fatal');
    await frozen.end().catch(() => undefined);
    // the retry in a new session, with what the frozen writer believed: refused by the fence
    const retried = new LandingStore(url, 'g5', FROZEN_TOPIC);
    try {
      assert.equal(outcome(await retried.land(tx([{ partition: 0, expected: null, next: 3 }], encodeRows(FROZEN_TOPIC, 0, 0, 3)))), 'conflict');
    } finally {
      await retried.close();
    }
    const landed = await withClient(url, async (c) => (await c.query(`select count(*)::int as n from raw.kafka_messages where topic = $1 and partition = 0`, [FROZEN_TOPIC])).rows[0].n);
    assert.equal(landed, 3, 'landed once');
  });

  it('chains queued chunks into one advance per partition and refuses a broken chain', () => {
    const chunk = (partition: number, expected: number | null, next: number) => ({ incarnation: 0, partition, expected, next, generation: 0, rows: 1, valueBytes: 0, bytes: Buffer.alloc(0), rowStarts: new Uint32Array(2), rejects: [] });
    assert.deepEqual(chainAdvances([chunk(0, null, 5), chunk(1, 7, 9), chunk(0, 5, 8)]), [
      { partition: 0, expected: null, next: 8 },
      { partition: 1, expected: 7, next: 9 },
    ]);
    assert.equal(chainAdvances([chunk(0, 0, 5), chunk(0, 6, 8)]), undefined);
  });
});
