import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { queryRows } from '../staging/landing-support.js';
import { track } from '../support/child-processes.js';
import { CLI } from '../support/cli.js';
import { resolveStackSettings, stackEnv } from '../../src/stack/index.js';

/** A `turnover up` child process with its own state dir, driven like an operator would. */
export class UpProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly exited: Promise<number>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = track(
      spawn(process.execPath, [CLI, 'up', ...args], {
        env: { ...process.env, TURNOVER_LOG_LEVEL: 'info', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    this.child.stdout!.on('data', (c: Buffer) => this.output.push(c.toString('utf8')));
    this.child.stderr!.on('data', (c: Buffer) => this.output.push(c.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  }

  text(): string {
    return this.output.join('');
  }

  /** Ctrl-C, then the exit status. */
  async interrupt(timeoutMs = 120_000): Promise<number> {
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export function freshStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'turnover-up-'));
  chmodSync(dir, 0o755); // the postgres OS user must reach it when tests run as root
  return dir;
}

export interface StackUrls {
  readonly brokers: string;
  readonly stagingUrl: string;
  readonly warehouseUrl: string;
}

/**
 * The endpoints of the stack `up` started in this state dir (ports chosen on
 * its first start, passwords generated then), as `turnover stack env` gives them.
 */
export async function stackUrls(stateDir: string): Promise<StackUrls> {
  const env = stackEnv(await resolveStackSettings({ stateDir }, process.env));
  return { brokers: env.TURNOVER_KAFKA_BROKERS!, stagingUrl: env.TURNOVER_LANDING_URL!, warehouseUrl: env.TURNOVER_WAREHOUSE_URL! };
}


/** Polls `check` until it returns true; fails with `what` and the process output on timeout. */
export async function waitFor(what: string, check: () => Promise<boolean>, up: UpProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (up.child.exitCode !== null) throw new Error(`turnover up exited (${up.child.exitCode}) while waiting for ${what}:\n${up.text()}`);
    try {
      if (await check()) return;
    } catch {
      // not up or not migrated yet
    }
    await sleep(1_000);
  }
  throw new Error(`timed out waiting for ${what}:\n${up.text().slice(-4000)}`);
}

export function backfillDone(stateDir: string): boolean {
  const state = backfillState(stateDir);
  if (!state) return false;
  let days = 0;
  for (let d = state.from; d <= state.to; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) days += 1;
  return state.doneDays.length === days;
}

/** The backfill days the runner has finished (its state file), none before it exists. */
export function backfillDaysDone(stateDir: string): number {
  return backfillState(stateDir)?.doneDays.length ?? 0;
}

function backfillState(stateDir: string): { from: string; to: string; doneDays: string[] } | undefined {
  const file = join(stateDir, 'up', 'backfill.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { from: string; to: string; doneDays: string[] }) : undefined;
}

/** Landed everything in the topic, loaded everything landed, built every touched day. */
export async function caughtUp(urls: StackUrls, topic: string): Promise<boolean> {
  const kafka = new Kafka({ brokers: [urls.brokers], clientId: 'up-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const end = (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
  await admin.disconnect();
  const [landed] = await queryRows<{ n: string }>(urls.stagingUrl, 'select coalesce(sum(next_offset), 0)::text as n from raw.consumer_offsets where topic = $1', [topic]);
  const [loaded] = await queryRows<{ n: string }>(urls.warehouseUrl, 'select coalesce(sum(next_offset), 0)::text as n from stg.load_state where topic = $1', [topic]);
  const [queue] = await queryRows<{ n: string }>(urls.warehouseUrl, 'select count(*)::text as n from stg.touched_days');
  return end > 0 && Number(landed!.n) === end && Number(loaded!.n) === end && Number(queue!.n) === 0;
}

export interface ProducedMessage {
  readonly value: Buffer | null;
}

/** Every message of the topic, read back with a plain Kafka client (independent of the pipeline). */
export async function readTopic(brokers: string, topic: string): Promise<Buffer[]> {
  const kafka = new Kafka({ brokers: [brokers], clientId: 'up-test-reader', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = offsets.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
  const consumer = kafka.consumer({ groupId: `up-test-reader-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    if (total === 0) resolve();
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value ?? Buffer.alloc(0));
          if (values.length === total) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return values;
}

/**
 * Counted transactions per (day, currency) from the raw feed, computed with
 * nothing but JSON.parse and SPEC §4's rule: the `done` event of an operation,
 * dated by its transaction_dt, test accounts excluded.
 */
export function countedTransactions(values: readonly Buffer[]): Map<string, number> {
  const operations = new Map<string, string>();
  for (const value of values) {
    let message: { object_type?: string; payload?: Record<string, unknown> };
    try {
      message = JSON.parse(value.toString('utf8')) as typeof message;
    } catch {
      continue;
    }
    const p = message.payload;
    if (message.object_type !== 'TRANSACTION' || !p || p.status !== 'done') continue;
    if (Number(p.account_number_from) < 0 || Number(p.account_number_to) < 0) continue;
    operations.set(String(p.operation_id), `${String(p.transaction_dt).slice(0, 10)}|${String(p.currency_code)}`);
  }
  const counts = new Map<string, number>();
  for (const key of operations.values()) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
