import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { createAdmin, createProducer } from '../../src/kafka/index.js';
import { useStack, type TestStack } from '../support/stack.js';

/** Proves the local stack is a real broker and a real PostgreSQL, not a stand-in. */
describe('local stack smoke (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('creates a 3-partition topic, produces to every partition and consumes it all back', async () => {
    const topic = await t.freshTopic('smoke', 3);
    const admin = createAdmin(t.kafka, t.logger);
    const offsetsBefore = await admin.topicOffsets(topic);
    assert.deepEqual(offsetsBefore.map((o) => o.partition), [0, 1, 2]);

    const sent = Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, key: `k${i}`, value: `value-${i}` }));
    const producer = createProducer(t.kafka, t.logger);
    await producer.send(topic, sent);
    await producer.close();

    const offsetsAfter = await admin.topicOffsets(topic);
    assert.deepEqual(offsetsAfter.map((o) => Number(o.high)), [10, 10, 10]);
    await admin.close();

    const kafka = new Kafka({ brokers: [...t.kafka.brokers], clientId: 'smoke', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${topic}-group` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { partition: number; key: string; value: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, key: message.key!.toString(), value: message.value!.toString() });
            if (received.length === sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    const sortByKey = (rows: typeof received) => [...rows].sort((a, b) => a.key.localeCompare(b.key));
    assert.deepEqual(sortByKey(received), sortByKey(sent));
    assert.deepEqual(new Set(received.map((r) => r.partition)), new Set([0, 1, 2]));
  });

  it('writes to PostgreSQL and reads back the exact bytes', async () => {
    const { stagingUrl } = await t.freshDatabases('smoke');
    const client = new pg.Client({ connectionString: stagingUrl });
    await client.connect();
    try {
      const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x0a, 0xc3, 0x28]);
      await client.query('create table t (id int primary key, value bytea, note text)');
      await client.query('insert into t values (1, $1, $2)', [bytes, 'grüße, ₽ and €']);
      const { rows } = await client.query<{ value: Buffer; note: string; version: string }>('select value, note, version() as version from t');
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]!.value, bytes);
      assert.equal(rows[0]!.note, 'grüße, ₽ and €');
      assert.match(rows[0]!.version, /^PostgreSQL (1[5-9]|[2-9]\d)\./);
    } finally {
      await client.end();
    }
  });
});
