import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAdmin, createProducer } from '../../src/kafka/index.js';
import { IngesterProcess } from '../ingest/ingest-harness.js';
import { buildMarts } from '../marts/marts-support.js';
import { track } from '../support/child-processes.js';
import { CLI } from '../support/cli.js';
import type { TestStack } from '../support/stack.js';
import { loadStg, migratedDatabases, queryRows } from '../staging/landing-support.js';
import { BUILD_FROM, dashboardFeed, LAST_DAY } from './dashboard-feed.js';

export const PARTITIONS = 3;
export const GROUP = 'turnover-ingest';
/** Messages produced after the ingester stopped. */
export const UNLANDED = 5;

export interface LoadedPipeline {
  readonly env: Record<string, string>;
  readonly stagingUrl: string;
  readonly warehouseUrl: string;
  readonly topic: string;
  /** Records landed (and loaded into STG): the topic's end offsets when the ingester stopped. */
  readonly landed: number;
  /**
   * Records in Kafka that were never landed, measured from the topic's end
   * offsets: UNLANDED, unless the producer (not idempotent) retried a batch
   * on a busy machine and wrote some twice.
   */
  readonly unlanded: number;
}

async function endOffsets(t: TestStack, topic: string): Promise<number> {
  const admin = createAdmin(t.kafka, t.logger);
  try {
    return (await admin.topicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.close();
  }
}

async function produce(t: TestStack, topic: string, values: readonly Buffer[]): Promise<void> {
  const producer = createProducer(t.kafka, t.logger);
  try {
    for (let i = 0; i < values.length; i += 500) {
      await producer.send(topic, values.slice(i, i + 500).map((value, j) => ({ value, partition: (i + j) % PARTITIONS })));
    }
  } finally {
    await producer.close();
  }
}

/** Runs `turnover ingest` until the group's offsets reach `endOffsets` (all partitions), then stops it with SIGTERM. */
async function ingestAll(env: Record<string, string>, stagingUrl: string, topic: string, endOffsets: number): Promise<void> {
  const ingester = new IngesterProcess(env);
  try {
    for (let waited = 0; ; waited += 200) {
      const [row] = await queryRows<{ landed: string }>(stagingUrl, 'select coalesce(sum(next_offset), 0)::text as landed from raw.consumer_offsets where topic = $1', [topic]);
      if (Number(row?.landed) === endOffsets) break;
      assert.ok(waited < 120_000, `ingest did not land ${endOffsets} records: ${ingester.stderr.slice(-2000)}`);
      await sleep(200);
    }
  } finally {
    const exit = await ingester.kill('SIGTERM');
    assert.equal(exit.code, 0, ingester.stderr.slice(-2000));
  }
}

/**
 * More messages through every stage, as the continuous pipeline would: produced,
 * landed (everything in the topic, the unlanded ones too), loaded, and the
 * days they touched built (`build-marts` without an interval).
 */
export async function feedMore(t: TestStack, pipeline: LoadedPipeline, values: readonly Buffer[]): Promise<void> {
  await produce(t, pipeline.topic, values);
  await ingestAll(pipeline.env, pipeline.stagingUrl, pipeline.topic, await endOffsets(t, pipeline.topic));
  const loaded = await loadStg(pipeline.env);
  assert.equal(loaded.code, 0, loaded.stderr);
  await buildMarts({ stagingUrl: pipeline.stagingUrl, warehouseUrl: pipeline.warehouseUrl, env: pipeline.env, nextOffset: 0 });
}

/**
 * The week of dashboard-feed.ts through every real stage: produced to a fresh
 * topic, landed by `turnover ingest`, loaded by `turnover load-stg`, marts
 * built by `turnover build-marts`; then UNLANDED more messages produced and
 * not ingested, so Kafka holds a known consumer lag.
 */
export async function loadPipeline(t: TestStack, label: string): Promise<LoadedPipeline> {
  const databases = await migratedDatabases(t, label);
  const topic = await t.freshTopic(label, PARTITIONS);
  const env = {
    TURNOVER_LANDING_URL: databases.stagingUrl,
    TURNOVER_WAREHOUSE_URL: databases.warehouseUrl,
    TURNOVER_KAFKA_BROKERS: t.env.TURNOVER_KAFKA_BROKERS!,
    TURNOVER_KAFKA_TOPIC: topic,
    TURNOVER_KAFKA_GROUP: GROUP,
  };
  const feed = dashboardFeed();
  await produce(t, topic, feed);
  // exact redeliveries by the producer would land too, and collapse in STG
  const produced = await endOffsets(t, topic);
  assert.ok(produced >= feed.length);

  await ingestAll(env, databases.stagingUrl, topic, produced);
  const loaded = await loadStg(env);
  assert.equal(loaded.code, 0, loaded.stderr);
  await buildMarts({ ...databases, env, nextOffset: 0 }, ['--from', BUILD_FROM, '--to', LAST_DAY]);
  await produce(t, topic, feed.slice(-UNLANDED));
  const unlanded = (await endOffsets(t, topic)) - produced;
  assert.ok(unlanded >= UNLANDED);
  return { env, stagingUrl: databases.stagingUrl, warehouseUrl: databases.warehouseUrl, topic, landed: produced, unlanded };
}

/** `turnover dashboard` as a real child process, as an operator runs it. */
export class DashboardProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Readonly<Record<string, string>>, args: readonly string[] = []) {
    this.child = track(
      spawn(process.execPath, [CLI, 'dashboard', '--port', '0', ...args], {
        env: { ...process.env, TURNOVER_LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.url = new Promise((resolve, reject) => {
      this.child.stdout!.on('data', (chunk: Buffer) => {
        this.stdout += chunk.toString('utf8');
        const match = /^dashboard: (http:\/\/\S+)$/m.exec(this.stdout);
        if (match) resolve(match[1]!);
      });
      void this.exited.then(({ code }) => reject(new Error(`turnover dashboard exited ${code} before serving: ${this.stderr}`)));
    });
    // a process stopped before anyone asked for its URL is not an error
    this.url.catch(() => undefined);
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

export async function getJson<T = Record<string, unknown>>(base: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, base));
  return { status: response.status, body: (await response.json()) as T };
}
