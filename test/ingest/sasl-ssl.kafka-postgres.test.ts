import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAdmin, type KafkaConfig } from '../../src/kafka/index.js';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { produceFeed } from './feed.js';
import { expectedSummary, IngesterProcess, landedCount, landedSummary, migrateLanding, total, waitFor } from './ingest-harness.js';
import { startSecureBroker, type SecureBroker } from './secure-broker.js';

/**
 * Managed-Kafka security for real: a broker with a SASL_SSL listener
 * (SCRAM-SHA-512 and PLAIN users, certificate from a throwaway CA), and
 * `turnover ingest` configured only through the TURNOVER_KAFKA_* variables.
 */
describe('turnover ingest over SASL_SSL (real Kafka with TLS + SASL, real PostgreSQL)', () => {
  let t: TestStack;
  let broker: SecureBroker;
  let dir: string;
  let topic: string;
  let produced: Map<number, Buffer[]>;
  before(async () => {
    t = await useStack();
    dir = mkdtempSync(join(tmpdir(), 'turnover-sasl-'));
    broker = await startSecureBroker(join(dir, 'kafka'));
    const kafka: KafkaConfig = {
      brokers: [broker.address],
      clientId: 'sasl-test',
      securityProtocol: 'SASL_SSL',
      sasl: { mechanism: 'scram-sha-512', username: broker.users.scram.name, password: broker.users.scram.password },
      sslCa: readFileSync(broker.caFile, 'utf8'),
    };
    topic = 'secure-feed';
    const admin = createAdmin(kafka, t.logger);
    await admin.createTopic(topic, 3);
    await admin.close();
    produced = await produceFeed(kafka, topic, { from: 0, count: 6_000, partitions: 3 });
  });
  after(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.release();
  });

  const secureEnv = (mechanism: string, user: { name: string; password: string }, stagingUrl: string, group: string) => ({
    ...t.env,
    TURNOVER_LANDING_URL: stagingUrl,
    TURNOVER_KAFKA_BROKERS: broker.address,
    TURNOVER_KAFKA_TOPIC: topic,
    TURNOVER_KAFKA_GROUP: group,
    TURNOVER_KAFKA_SASL_MECHANISM: mechanism,
    TURNOVER_KAFKA_SASL_USERNAME: user.name,
    TURNOVER_KAFKA_SASL_PASSWORD: user.password,
    TURNOVER_KAFKA_SSL_CA: broker.caFile,
  });

  for (const [mechanism, pick] of [['scram-sha-512', 'scram'], ['plain', 'plain']] as const) {
    it(`lands the feed exactly once with ${mechanism.toUpperCase()} and the custom CA`, async () => {
      const { stagingUrl } = await t.freshDatabases(`sasl_${pick}`);
      await migrateLanding(stagingUrl);
      const ingester = new IngesterProcess(secureEnv(mechanism, broker.users[pick], stagingUrl, `secure-${pick}`));
      try {
        await waitFor('the feed to land', async () => (await landedCount(stagingUrl, topic)) >= total(produced));
        const exit = await ingester.kill('SIGTERM');
        assert.equal(exit.code, 0, ingester.stderr);
      } finally {
        await ingester.kill('SIGKILL');
      }
      assert.deepEqual(await landedSummary(stagingUrl, topic), expectedSummary(produced));
    });
  }

  it('a wrong password or an untrusted certificate ends with one line and exit status 3', async () => {
    const { stagingUrl } = await t.freshDatabases('sasl_bad');
    await migrateLanding(stagingUrl);
    const wrong = await runCli(['ingest'], { env: secureEnv('scram-sha-512', { name: broker.users.scram.name, password: 'not-the-password' }, stagingUrl, 'bad'), timeoutMs: 90_000 });
    assert.equal(wrong.code, 3, wrong.stderr);
    assert.match(wrong.stderr, /^turnover: Kafka: authentication or authorisation failed/m);

    const { TURNOVER_KAFKA_SSL_CA: _ca, ...withoutCa } = secureEnv('scram-sha-512', broker.users.scram, stagingUrl, 'bad');
    const untrusted = await runCli(['ingest'], { env: { ...withoutCa, TURNOVER_KAFKA_SSL_CA: '' }, timeoutMs: 90_000 });
    assert.equal(untrusted.code, 3, untrusted.stderr);
    assert.match(untrusted.stderr, /^turnover: Kafka: the broker's TLS certificate is not trusted/m);
  });
});
