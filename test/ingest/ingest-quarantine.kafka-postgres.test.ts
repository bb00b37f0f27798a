import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProducer, type ProducedMessage } from '../../src/kafka/index.js';
import { useStack, type TestStack } from '../support/stack.js';
import { liveFeedTemplates } from './feed.js';
import { freePort, groupOffsets, IngesterProcess, metric, migrateLanding, waitFor, withClient } from './ingest-harness.js';

/**
 * Data errors are data (issue 16): a row PostgreSQL refuses with a data or
 * program-limit error goes to raw.landing_rejects, in the transaction that
 * moves the offsets past it; nothing else is lost and the ingester goes on.
 * PostgreSQL refuses on purpose here: a trigger of this test's own database
 * raises SQLSTATE 22023 or 54000 for chosen values.
 */
const REFUSE = `
create function raw.test_refuse() returns trigger language plpgsql as $$
begin
    if new.value = convert_to('poison-data', 'UTF8') then
        raise exception 'the test refuses this value: %', E'nul \\\\x00 and a quote ''' using errcode = '22023';
    end if;
    if new.value = convert_to('poison-limit', 'UTF8') then
        raise exception 'the test says this row is too large' using errcode = '54000';
    end if;
    return new;
end
$$;
create trigger test_refuse before insert on raw.kafka_messages for each row execute function raw.test_refuse();
-- the reject of poison-limit cannot keep its value either: the landing falls back to keeping less
create trigger test_refuse_reject before insert on raw.landing_rejects for each row
    when (new.value = convert_to('poison-limit', 'UTF8')) execute function raw.test_refuse();
`;

describe('turnover ingest quarantines what PostgreSQL refuses (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('a 22xxx and a 54000 row go to raw.landing_rejects with their bytes, committed with the offsets; every other record lands; the ingester keeps going', async () => {
    const topic = await t.freshTopic('ingest_quarantine', 1);
    const { stagingUrl } = await t.freshDatabases('ingest_quarantine');
    await migrateLanding(stagingUrl);
    await withClient(stagingUrl, (c) => c.query(REFUSE));
    const templates = liveFeedTemplates();
    const timestamp = Date.now() - 5_000;
    const messages: ProducedMessage[] = Array.from({ length: 300 }, (_, i) => ({ partition: 0, key: null, value: templates[i % templates.length]!, timestamp: timestamp + i }));
    messages[57] = { partition: 0, key: 'k-data', value: 'poison-data', headers: { 'trace-id': 'abc', bin: Buffer.from([0x00, 0xff]) }, timestamp: timestamp + 57 };
    messages[201] = { partition: 0, key: 'k-limit', value: 'poison-limit', timestamp: timestamp + 201 };
    const producer = createProducer(t.kafka, t.logger);
    await producer.send(topic, messages);

    const port = await freePort();
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'quarantine' };
    const ingester = new IngesterProcess(env, ['--metrics-port', String(port), '--batch-rows', '100']);
    try {
      await waitFor('the offsets to pass both refused records', async () => (await groupOffsets(stagingUrl, 'quarantine', topic)).get(0) === 300, 120_000, ingester);
      const landed = await withClient(stagingUrl, async (c) => (await c.query('select "offset", value from raw.kafka_messages order by "offset"')).rows);
      const expected = messages.map((m, offset) => ({ offset, value: Buffer.from(m.value!) })).filter((m) => m.offset !== 57 && m.offset !== 201);
      assert.deepEqual(landed.map((r) => ({ offset: Number(r.offset), value: r.value })), expected, 'every other record landed, byte-exact');

      const rejects = await withClient(stagingUrl, async (c) =>
        (await c.query('select "offset", reason, sqlstate, detail, key, value, value_length, headers, kafka_timestamp_ms::text as ms from raw.landing_rejects order by "offset"')).rows,
      );
      assert.equal(rejects.length, 2);
      const [data, limit] = rejects;
      assert.deepEqual([Number(data.offset), data.reason, data.sqlstate], [57, 'data_error', '22023']);
      assert.match(data.detail, /^PostgreSQL refused the row: the test refuses this value: nul \\x00 and a quote '/);
      assert.deepEqual([data.key, data.value, Number(data.value_length), data.ms], [Buffer.from('k-data'), Buffer.from('poison-data'), 11, String(timestamp + 57)]);
      assert.deepEqual(data.headers, [[Buffer.from('trace-id'), Buffer.from('abc')], [Buffer.from('bin'), Buffer.from([0x00, 0xff])]]);
      assert.deepEqual([Number(limit.offset), limit.reason, limit.sqlstate], [201, 'program_limit', '54000']);
      assert.deepEqual([limit.key, limit.value, Number(limit.value_length)], [Buffer.from('k-limit'), null, 12], 'the value could not be kept; its length is');
      assert.match(limit.detail, /could not be kept either/);

      assert.equal(await metric(port, 'turnover_ingest_records_total'), 298);
      assert.equal(await metric(port, 'turnover_ingest_rejects_total', 'reason="data_error"'), 1);
      assert.equal(await metric(port, 'turnover_ingest_rejects_total', 'reason="program_limit"'), 1);
      assert.equal(await metric(port, 'turnover_ingest_primary_key_hits_total'), 0);
      assert.equal(await metric(port, 'turnover_ingest_conflicts_total'), 0);
      assert.ok(ingester.logs.some((l) => l.msg === 'quarantined partition 0 offset 57 in raw.landing_rejects (data_error)'), ingester.stderr);

      await producer.send(topic, [{ partition: 0, key: null, value: 'after the poison' }]);
      await waitFor('a record produced afterwards', async () => (await groupOffsets(stagingUrl, 'quarantine', topic)).get(0) === 301, 60_000, ingester);
      assert.equal((await ingester.kill('SIGTERM')).code, 0, ingester.stderr);
    } finally {
      await producer.close();
      await ingester.kill('SIGKILL');
    }
  });

  it('stops with exit 9 and one line when a landed row already holds an offset the fence said was new, and when the stored offset is past the log end', async () => {
    const topic = await t.freshTopic('ingest_mismatch', 1);
    const { stagingUrl } = await t.freshDatabases('ingest_mismatch');
    await migrateLanding(stagingUrl);
    const producer = createProducer(t.kafka, t.logger);
    await producer.send(topic, Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: null, value: `m${i}` })));
    await producer.close();
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'mismatch' };

    // the group's offset says 0, yet offset 5 is landed (as if another group had landed this topic)
    await withClient(stagingUrl, async (c) => {
      await c.query(`insert into raw.kafka_messages (topic, incarnation, partition, "offset", value, kafka_timestamp_ms) values ($1, 0, 0, 5, 'elsewhere', 0)`, [topic]);
      await c.query(`insert into raw.consumer_offsets (group_id, topic, incarnation, partition, next_offset) values ('mismatch', $1, 0, 0, 0)`, [topic]);
    });
    const bypassed = new IngesterProcess(env);
    const first = await bypassed.exited;
    assert.equal(first.code, 9, bypassed.stderr);
    assert.match(bypassed.stderr, /^turnover: a landed row is already there for an offset the fence said was new/m);
    assert.ok(bypassed.logs.some((l) => l.msg === 'the offset fence was bypassed: a landed row already holds an offset it said was new; stopping'), bypassed.stderr);
    const landed = await withClient(stagingUrl, async (c) => (await c.query('select count(*) as n from raw.kafka_messages')).rows[0].n);
    assert.equal(Number(landed), 1, 'nothing of the refused transaction was written');

    // the stored offset is past the end of the log (a recreated or truncated topic)
    await withClient(stagingUrl, (c) => c.query(`update raw.consumer_offsets set next_offset = 1000 where group_id = 'mismatch'`));
    const past = new IngesterProcess(env);
    const second = await past.exited;
    assert.equal(second.code, 9, past.stderr);
    assert.match(past.stderr, /^turnover: partition 0 of \S+: the landing's next offset 1000 is past the end of Kafka's log \(10\)/m);
    assert.deepEqual(await groupOffsets(stagingUrl, 'mismatch', topic), new Map([[0, 1000]]));
  });
});
