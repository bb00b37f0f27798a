import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProducer } from '../../src/kafka/index.js';
import { ensureTopic, topicMessages } from '../../src/runner/feed-topic.js';
import { stackBehindFaultProxy } from '../support/kafka-fault-proxy.js';

/**
 * Regression: `turnover up` created its topic, then counted the topic's
 * messages (ListOffsets through kafkajs' admin); under load the broker
 * answered "not the leader", kafkajs threw it at once and `up` crashed on an
 * unhandled rejection. The runner's topic calls now wait it out with the
 * admin's retry policy. A relay in front of the real broker gives the fault.
 */
/** Filled in before the tests run. */
const setup = stackBehindFaultProxy();

test('the runner creates its topic and counts its messages through "not the leader" answers (real broker behind a relay)', async () => {
  const { stack, proxy } = setup;
  const topic = `up_feed_${process.pid}_${Date.now().toString(36)}`;
  const kafka = { ...stack.kafka, brokers: [proxy.address] };
  await ensureTopic(kafka, topic, 3, stack.logger);
  const producer = createProducer(stack.kafka, stack.logger);
  try {
    for (let p = 0; p < 3; p++) await producer.send(topic, Array.from({ length: 5 + p }, (_, i) => ({ partition: p, key: null, value: `m${p}-${i}` })));
  } finally {
    await producer.close();
  }
  proxy.notLeaderOnListOffsets(3);
  const counted = await topicMessages(kafka, topic, stack.logger);
  assert.equal(proxy.injected, 3, 'the broker said "not the leader" three times');
  assert.equal(counted, 5 + 6 + 7);
  // an answer retried, not guessed: a second count without faults agrees
  assert.equal(await topicMessages(kafka, topic, stack.logger), counted);
});
