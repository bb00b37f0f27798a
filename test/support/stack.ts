import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAdmin, type KafkaConfig } from '../../src/kafka/index.js';
import { silentLogger, type Logger } from '../../src/log/logger.js';
import { LocalStack, stackEnv } from '../../src/stack/stack.js';
import { resolveStackSettings } from '../../src/stack/stack-settings.js';

/**
 * The real local stack for integration tests. `scripts/test.sh` starts one
 * per run and exports TURNOVER_TEST_STATE_DIR; a test file run on its own
 * starts a throwaway stack on free ports instead and stops it in `release`.
 * Tests isolate themselves with fresh databases and topics, never by
 * wiping shared state.
 */
export interface TestStack {
  readonly stack: LocalStack;
  readonly env: Readonly<Record<string, string>>;
  readonly kafka: KafkaConfig;
  readonly logger: Logger;
  postgresUrl(database: string): string;
  /** A landing database and a warehouse database, both new and empty. */
  freshDatabases(label: string): Promise<{ stagingUrl: string; warehouseUrl: string }>;
  /** A new topic with the given partitions. */
  freshTopic(label: string, partitions: number): Promise<string>;
  /** Stops the shared stack only when this process started it. */
  release(): Promise<void>;
}

let counter = 0;
function uniqueName(label: string): string {
  counter += 1;
  return `${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

export async function useStack(): Promise<TestStack> {
  const logger = silentLogger();
  const sharedDir = process.env.TURNOVER_TEST_STATE_DIR;
  const stateDir = sharedDir ?? mkdtempSync(join(tmpdir(), 'turnover-test-stack-'));
  // mkdtemp makes a 0700 folder; the postgres OS user (when we are root) must reach it
  if (!sharedDir) chmodSync(stateDir, 0o755);
  const settings = await resolveStackSettings(
    sharedDir ? { stateDir } : { stateDir, kafkaPort: 0, postgresPort: 0, kafkaHeap: '384m' },
    process.env,
  );
  const stack = new LocalStack(settings, process.env);
  await stack.up(logger);
  const env = stackEnv(stack.settings);
  const base = env.TURNOVER_LANDING_URL!.replace(/\/[^/]+$/, '');
  const kafka: KafkaConfig = Object.freeze({ brokers: [env.TURNOVER_KAFKA_BROKERS!], clientId: 'turnover-test', securityProtocol: 'PLAINTEXT' });

  const createDatabase = async (name: string): Promise<string> => {
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    return `${base}/${name}`;
  };

  return {
    stack,
    env,
    kafka,
    logger,
    postgresUrl: (database) => `${base}/${database}`,
    async freshDatabases(label) {
      const name = uniqueName(label);
      return { stagingUrl: await createDatabase(`land_${name}`), warehouseUrl: await createDatabase(`dwh_${name}`) };
    },
    async freshTopic(label, partitions) {
      const topic = uniqueName(label);
      const admin = createAdmin(kafka, logger);
      try {
        await admin.createTopic(topic, partitions);
      } finally {
        await admin.close();
      }
      return topic;
    },
    async release() {
      if (sharedDir) return;
      await stack.down(logger);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
