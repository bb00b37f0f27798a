import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createProducer, type ProducedMessage } from '../../src/kafka/index.js';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { liveFeedTemplates } from './feed.js';
import { freePort, IngesterProcess, landedCount, migrateLanding, waitFor, withClient } from './ingest-harness.js';

/** Nothing is parsed at the landing: any bytes land exactly as Kafka holds them. */
describe('turnover ingest lands any bytes unchanged (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t?.release();
  });

  it('invalid UTF-8, empty, null and 1 MB values, odd keys and headers land byte-exact; metrics count them; SIGTERM exits 0', async () => {
    const topic = await t.freshTopic('ingest_poison', 1);
    const { stagingUrl } = await t.freshDatabases('ingest_poison');
    await migrateLanding(stagingUrl);
    const timestamp = Date.now() - 1_234;
    const real = Buffer.from(liveFeedTemplates()[2]!, 'utf8');
    const sent: ProducedMessage[] = [
      { partition: 0, key: null, value: real },
      { partition: 0, key: Buffer.from([0xc3, 0x28]), value: Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28, 0x0a]) },
      { partition: 0, key: Buffer.alloc(0), value: Buffer.alloc(0) },
      { partition: 0, key: 'tombstone', value: null },
      { partition: 0, key: null, value: randomBytes(1024 * 1024) },
      { partition: 0, key: null, value: real.subarray(0, 100), headers: { trace: 'abc', bin: Buffer.from([0xff, 0x00]) }, timestamp },
    ];
    const producer = createProducer(t.kafka, t.logger);
    await producer.send(topic, sent);
    await producer.close();

    const port = await freePort();
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: 'poison' };
    const ingester = new IngesterProcess(env, ['--metrics-port', String(port)]);
    try {
      await waitFor('all records to land', async () => (await landedCount(stagingUrl, topic)) >= sent.length);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.match(metrics, new RegExp(`^turnover_ingest_records_total\\{[^}]*\\} ${sent.length}$`, 'm'));
      assert.match(metrics, /^turnover_ingest_batches_total\{[^}]*\} [1-9]/m);
      assert.match(metrics, /^turnover_ingest_assigned_partitions\{[^}]*\} 1$/m);
      const exit = await ingester.kill('SIGTERM');
      assert.equal(exit.code, 0, ingester.stderr);
    } finally {
      await ingester.kill('SIGKILL');
    }

    const rows = await withClient(stagingUrl, async (c) =>
      (await c.query(`select "offset", key, value, headers, kafka_timestamp_ms::text as ts from raw.kafka_messages where topic = $1 order by "offset"`, [topic])).rows,
    );
    assert.equal(rows.length, sent.length);
    rows.forEach((row, i) => {
      const m = sent[i]!;
      assert.equal(Number(row.offset), i);
      assert.deepEqual(row.key, m.key === null || m.key === undefined ? null : Buffer.from(m.key));
      assert.deepEqual(row.value, m.value === null ? null : Buffer.from(m.value));
    });
    assert.equal(rows[2].value.length, 0, 'an empty value stays empty, not null');
    assert.equal(rows[3].value, null, 'a null value stays null');
    assert.deepEqual(rows[5].headers, [
      [Buffer.from('trace'), Buffer.from('abc')],
      [Buffer.from('bin'), Buffer.from([0xff, 0x00])],
    ]);
    assert.equal(rows[0].headers, null);
    assert.equal(Number(rows[5].ts), timestamp);
  });

  it('gives up with one clear line on configuration errors', async () => {
    const { stagingUrl } = await t.freshDatabases('ingest_config');
    const base = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: 'whatever' };

    const noSchema = await runCli(['ingest'], { env: base, timeoutMs: 60_000 });
    assert.equal(noSchema.code, 3, noSchema.stderr);
    assert.match(noSchema.stderr, /^turnover: .*turnover migrate --only landing/m);

    const unknownHost = await runCli(['ingest'], { env: { ...base, TURNOVER_KAFKA_BROKERS: 'no-such-broker.invalid:9092' }, timeoutMs: 60_000 });
    assert.equal(unknownHost.code, 3, unknownHost.stderr);
    assert.match(unknownHost.stderr, /^turnover: unknown Kafka broker host "no-such-broker.invalid"/m);

    const noDatabase = await runCli(['ingest'], { env: { ...base, TURNOVER_LANDING_URL: t.postgresUrl('no_such_database') }, timeoutMs: 60_000 });
    assert.equal(noDatabase.code, 3, noDatabase.stderr);
    assert.match(noDatabase.stderr, /^turnover: PostgreSQL .*no_such_database/m);

    const saslWithoutPassword = await runCli(['ingest'], { env: { ...base, TURNOVER_KAFKA_SASL_MECHANISM: 'scram-sha-512', TURNOVER_KAFKA_SASL_USERNAME: 'svc' }, timeoutMs: 60_000 });
    assert.equal(saslWithoutPassword.code, 3);
    assert.match(saslWithoutPassword.stderr, /TURNOVER_KAFKA_SASL_PASSWORD/);
  });
});
