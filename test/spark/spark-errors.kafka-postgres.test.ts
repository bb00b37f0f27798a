import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProducer } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { migrateLanding, withClient } from '../ingest/ingest-harness.js';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';

/** What an operator sees when the Spark engine cannot run: one line and a stable exit status. */
describe('turnover ingest --engine spark failures (real PostgreSQL and Kafka)', () => {
  let t: TestStack;
  let emptyCache: string;
  before(async () => {
    t = await useStack();
    emptyCache = mkdtempSync(join(tmpdir(), 'turnover-empty-cache-'));
  });
  after(async () => {
    rmSync(emptyCache, { recursive: true, force: true });
    await t?.release();
  });

  const oneLine = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('turnover: '));

  it('no Java: exit 4 with one line', async () => {
    const result = await runCli(['ingest', '--engine', 'spark'], { env: { ...t.env, JAVA_HOME: '/nonexistent-jdk' } });
    assert.equal(result.code, 4, result.stderr);
    assert.match(oneLine(result.stderr).join('\n'), /^turnover: JDK 17\+ not found \(tried "\/nonexistent-jdk\/bin\/java"\)/);
  });

  it('no Python to build the venv: exit 4 with one line', async () => {
    const result = await runCli(['ingest', '--engine', 'spark'], { env: { ...t.env, TURNOVER_CACHE_DIR: emptyCache, TURNOVER_PYTHON: '/nonexistent-python3' } });
    assert.equal(result.code, 4, result.stderr);
    assert.match(oneLine(result.stderr).join('\n'), /^turnover: Python 3\.10\+ not found \(tried "\/nonexistent-python3"\)/);
  });

  it('landing schema missing: the launcher says so in one line before the job starts (its offset check), exit 3', async () => {
    const { stagingUrl } = await t.freshDatabases('spark_no_schema');
    const topic = await t.freshTopic('spark_no_schema', 1);
    // info: the launcher's "launching the Spark job" line would show
    const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_LOG_LEVEL: 'info' };
    const result = await runCli(['ingest', '--engine', 'spark', '--master', 'local[1]'], { env, timeoutMs: 180_000 });
    assert.equal(result.code, 3, result.stderr);
    const database = new URL(stagingUrl).pathname.slice(1);
    const lines = oneLine(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, new RegExp(`^turnover: the landing schema is missing or old in postgres://[^ ]*/${database}: run \`turnover migrate --only landing\`$`));
    assert.ok(!result.stderr.includes('launching the Spark job'), 'the job never started');
  });

  /** A topic of `count` small records on one partition, and a migrated landing database for it. */
  async function landingFor(label: string, count: number): Promise<{ topic: string; stagingUrl: string; env: Record<string, string> }> {
    const topic = await t.freshTopic(label, 1);
    const { stagingUrl } = await t.freshDatabases(label);
    await migrateLanding(stagingUrl);
    const producer = createProducer(t.kafka, silentLogger());
    try {
      await producer.send(topic, Array.from({ length: count }, (_, i) => ({ partition: 0, key: `k${i}`, value: `v${i}` })));
    } finally {
      await producer.close();
    }
    return { topic, stagingUrl, env: { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: label } };
  }

  it('a row already landed for an offset the fence said was new: one line, exit 9, nothing of the batch landed', async () => {
    const { topic, stagingUrl, env } = await landingFor('spark_fence_bypass', 10);
    // the group starts at 0, but offset 5 is already there: written around the fence (by hand, as another group would)
    await withClient(stagingUrl, async (c) => {
      await c.query("insert into raw.consumer_offsets (group_id, topic, incarnation, partition, next_offset) values ('spark_fence_bypass', $1, 0, 0, 0)", [topic]);
      await c.query(`insert into raw.kafka_messages (topic, incarnation, partition, "offset", value, kafka_timestamp, kafka_timestamp_ms) values ($1, 0, 0, 5, 'by hand', now(), 0)`, [topic]);
    });
    const result = await runCli(['ingest', '--engine', 'spark', '--master', 'local[1]'], { env, timeoutMs: 180_000 });
    assert.equal(result.code, 9, result.stderr);
    const lines = oneLine(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^turnover: a landed row is already there for an offset the fence said was new: duplicate key value violates unique constraint "kafka_messages_pkey" \(Key \(topic, incarnation, partition, "offset"\)=\([^,]+, 0, 0, 5\) already exists\.\)/);
    const after = await withClient(stagingUrl, async (c) => (await c.query('select (select count(*) from raw.kafka_messages)::int as rows, (select next_offset from raw.consumer_offsets)::int as next')).rows[0]);
    assert.deepEqual(after, { rows: 1, next: 0 });
  });

  it('PostgreSQL refusing the landing for a reason that is no record\'s data (a dropped column): one line, exit 1', async () => {
    const { stagingUrl, env } = await landingFor('spark_schema_drift', 3);
    await withClient(stagingUrl, (c) => c.query('alter table raw.kafka_messages drop column kafka_timestamp_ms'));
    const result = await runCli(['ingest', '--engine', 'spark', '--master', 'local[1]'], { env, timeoutMs: 180_000 });
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(oneLine(result.stderr), ['turnover: the Spark job failed: PostgreSQL refused the landing with SQLSTATE 42703: column "kafka_timestamp_ms" of relation "kafka_messages" does not exist']);
    assert.equal(await withClient(stagingUrl, async (c) => Number((await c.query('select count(*) as n from raw.landing_rejects')).rows[0].n)), 0, 'not a record\'s fault: nothing quarantined');
  });
});
