import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';
import { stackBehindFaultProxy } from '../support/kafka-fault-proxy.js';
import { readTopic } from './topic-reader.js';

/**
 * Regression: right after a broker restart (or a topic creation) a broker
 * answers ListOffsets with NOT_LEADER_OR_FOLLOWER while its partitions load.
 * The generator read its topic's partition count that way and exited 5
 * instead of waiting. A relay in front of the real broker gives that answer
 * to the first ListOffsets requests, deterministically.
 */
/** Filled in before the tests run. */
const setup = stackBehindFaultProxy();

test('generate waits out "not the leader" on ListOffsets after creating its topic, then produces everything (real broker behind a relay)', async () => {
  const { stack, proxy } = setup;
  const topic = `generate_not_leader_${process.pid}_${Date.now().toString(36)}`; // not created yet: generate creates it
  proxy.notLeaderOnListOffsets(2);
  const result = await runCli(['generate', '--from', '2023-03-01', '--to', '2023-03-01', '--transactions-per-day', '300', '--seed', '9', '--topic', topic, '--partitions', '3', '--json'], {
    env: { ...stack.env, TURNOVER_KAFKA_BROKERS: proxy.address },
  });
  assert.equal(result.code, 0, result.stderr);
  // the fault happened: without retrying, this run would have exited 5
  assert.equal(proxy.injected, 2);
  assert.ok(proxy.listOffsets > proxy.injected, 'ListOffsets was asked again after the faults');
  const sent = (JSON.parse(result.stdout) as { messages: number }).messages;
  assert.ok(sent > 300);
  const records = await readTopic(stack.kafka, topic, stack.logger);
  assert.equal(records.length, sent);
  assert.deepEqual([...new Set(records.map((r) => r.partition))].sort(), [0, 1, 2]);
});
