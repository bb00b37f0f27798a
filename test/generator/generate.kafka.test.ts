import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseMessage } from '../../src/contracts/index.js';
import { createAdmin, partitionForKey } from '../../src/kafka/index.js';
import { CLI, runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { readTopic } from './topic-reader.js';

let stack: TestStack;
const dir = mkdtempSync(join(tmpdir(), 'turnover-generate-kafka-'));
before(async () => {
  stack = await useStack();
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await stack?.release();
});

const RUN = ['--from', '2023-03-01', '--to', '2023-03-02', '--transactions-per-day', '2000', '--seed', '4', '--scenario', 'poison:5@2023-03-02', '--scenario', 'redeliveries:2%@2023-03-01'];

for (const producer of ['platformatic', 'kafkajs']) {
  test(`generate into Kafka (${producer}) produces exactly the file's messages, keyed and partitioned by object_id`, async () => {
    const out = join(dir, `feed-${producer}.jsonl`);
    const file = await runCli(['generate', ...RUN, '--out', out]);
    assert.equal(file.code, 0, file.stderr);
    const lines = readFileSync(out, 'latin1').split('\n').filter(Boolean);

    const topic = await stack.freshTopic(`generate_${producer}`, 3);
    const result = await runCli(['generate', ...RUN, '--topic', topic, '--producer', producer, '--batch-size', '700', '--json'], { env: stack.env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).messages, lines.length);

    const records = await readTopic(stack.kafka, topic, stack.logger);
    assert.equal(records.length, lines.length);
    for (const p of [0, 1, 2]) {
      const expected = lines.filter((line) => {
        const id = /"object_id": "([^"]+)"/.exec(line)?.[1];
        return id !== undefined && partitionForKey(id, 3) === p;
      });
      const got = records.filter((r) => r.partition === p);
      assert.deepEqual(got.map((r) => r.value!.toString('latin1')), expected, `partition ${p} holds its messages in order`);
      for (const r of got) assert.equal(r.key!.toString(), /"object_id": "([^"]+)"/.exec(r.value!.toString('latin1'))![1]);
    }
    // poison that has no parseable object_id still has a key (the operation's id), so nothing is lost above
    assert.equal(records.filter((r) => !parseMessage(r.value).ok).length, 5);
  });
}

test('a live tail produces at the given rate with wall-clock timestamps, then stops at --max-messages', async () => {
  const topic = await stack.freshTopic('generate_live', 2);
  const started = Date.now();
  const result = await runCli(['generate', '--rate', '400', '--max-messages', '600', '--topic', topic, '--json'], { env: stack.env });
  const elapsed = Date.now() - started;
  assert.equal(result.code, 0, result.stderr);
  const records = await readTopic(stack.kafka, topic, stack.logger);
  assert.equal(records.length, 600);
  const parsed = records.map((r) => parseMessage(r.value));
  assert.ok(parsed.every((p) => p.ok));
  const today = new Date(started).toISOString().slice(0, 10);
  assert.equal(parsed.filter((p) => p.ok && p.kind === 'CURRENCY' && p.dateUpdate === today).length, 42, 'today\'s rates first');
  const times = parsed.flatMap((p) => (p.ok && p.kind === 'TRANSACTION' ? [Date.parse(`${p.transactionDt.replace(' ', 'T')}Z`)] : []));
  assert.ok(times.every((t) => t >= started - 2000 && t <= Date.now() + 2000), 'event times are now');
  // 558 transaction events at ~400/s take more than a second: the tail is paced, not dumped
  assert.ok(elapsed > 1000, `took ${elapsed} ms`);
});

test('SIGINT stops a live tail gracefully: what was generated is flushed, exit 0', async () => {
  const topic = await stack.freshTopic('generate_sigint', 1);
  const child = spawn(process.execPath, [CLI, 'generate', '--rate', '200', '--topic', topic, '--json'], { env: { ...process.env, ...stack.env, TURNOVER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // stop it once it is really producing (start-up takes seconds on a busy machine)
  const admin = createAdmin(stack.kafka, stack.logger);
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const produced = (await admin.topicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
      if (produced > 100) break;
      assert.ok(Date.now() < deadline && child.exitCode === null, `the tail did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.close();
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  const summary = JSON.parse(stdout) as { messages: number; stopped: boolean };
  assert.equal(summary.stopped, true);
  assert.ok(summary.messages > 42, `${summary.messages} messages`);
  const records = await readTopic(stack.kafka, topic, stack.logger);
  assert.equal(records.length, summary.messages);
});
