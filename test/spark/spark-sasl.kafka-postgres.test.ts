import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAdmin, type KafkaConfig } from '../../src/kafka/index.js';
import { produceFeed } from '../ingest/feed.js';
import { expectedSummary, landedCount, landedSummary, migrateLanding, total, waitFor } from '../ingest/ingest-harness.js';
import { startSecureBroker, type SecureBroker } from '../ingest/secure-broker.js';
import { useStack, type TestStack } from '../support/stack.js';
import { groupMembers, SparkIngestProcess } from './spark-harness.js';

/**
 * Managed-Kafka security through the Spark engine: a SASL_SSL broker
 * (SCRAM-SHA-512, certificate from a throwaway CA; test/ingest/secure-broker.ts)
 * and the job configured only by the TURNOVER_KAFKA_* variables — and the
 * password on no command line of the launcher, the driver JVM or the Python driver.
 */
describe('turnover ingest --engine spark over SASL_SSL (real Spark, Kafka with TLS + SCRAM, PostgreSQL)', () => {
  let t: TestStack;
  let broker: SecureBroker;
  let dir: string;
  before(async () => {
    t = await useStack();
    dir = mkdtempSync(join(tmpdir(), 'turnover-spark-sasl-'));
    broker = await startSecureBroker(join(dir, 'kafka'));
  });
  after(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.release();
  });

  it('lands the feed exactly once with SCRAM-SHA-512 and the custom CA, the password never on a command line', async () => {
    const { scram } = broker.users;
    const kafka: KafkaConfig = {
      brokers: [broker.address],
      clientId: 'spark-sasl-test',
      securityProtocol: 'SASL_SSL',
      sasl: { mechanism: 'scram-sha-512', username: scram.name, password: scram.password },
      sslCa: readFileSync(broker.caFile, 'utf8'),
    };
    const topic = 'secure-spark-feed';
    const admin = createAdmin(kafka, t.logger);
    await admin.createTopic(topic, 3);
    await admin.close();
    const produced = await produceFeed(kafka, topic, { from: 0, count: 6_000, partitions: 3 });
    const { stagingUrl } = await t.freshDatabases('spark_sasl');
    await migrateLanding(stagingUrl);

    const job = new SparkIngestProcess({
      ...t.env,
      TURNOVER_LANDING_URL: stagingUrl,
      TURNOVER_KAFKA_BROKERS: broker.address,
      TURNOVER_KAFKA_TOPIC: topic,
      TURNOVER_KAFKA_GROUP: 'secure-spark',
      TURNOVER_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      TURNOVER_KAFKA_SASL_USERNAME: scram.name,
      TURNOVER_KAFKA_SASL_PASSWORD: scram.password,
      TURNOVER_KAFKA_SSL_CA: broker.caFile,
    });
    try {
      await waitFor('the feed to land', async () => (await landedCount(stagingUrl, topic)) >= total(produced), 240_000);
      const commandLines = groupMembers(job.child.pid!).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
      assert.ok(commandLines.some((c) => c.includes('ingest_job.py')), `the job's processes were inspected: ${commandLines.join('\n')}`);
      for (const line of commandLines) assert.ok(!line.includes(scram.password), `the password is on a command line: ${line}`);
      const exit = await job.terminate();
      assert.equal(exit.code, 0, job.stderr.slice(-3000));
    } finally {
      await job.killAll();
    }
    assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
  });
});
