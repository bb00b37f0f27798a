import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopicPartitionOffsets } from '../../src/kafka/client.js';
import { consistentTopicLog } from '../../src/kafka/wire/topic-log.js';
import { KafkaCode, KafkaProtocolError } from '../../src/kafka/wire/kafka-error-codes.js';

const A = '00000000000000000000000000000001';
const B = '00000000000000000000000000000002';

/** Metadata answering the given ids in turn; bounds tagged with the id that was current when they were read. */
function topicThatAnswers(ids: readonly string[]) {
  let read = 0;
  let current = ids[0]!;
  const metadata = async (): Promise<string> => {
    current = ids[Math.min(read, ids.length - 1)]!;
    read += 1;
    return current;
  };
  const bounds = async (): Promise<TopicPartitionOffsets[]> => [{ partition: 0, low: 0n, high: current === A ? 10n : 3n }];
  return { metadata, bounds, reads: () => read };
}

describe('consistentTopicLog: a topic id and bounds of one log', () => {
  it('returns the bounds with the id read before and after them, in Kafka\'s printed form', async () => {
    const topic = topicThatAnswers([A, A]);
    const log = await consistentTopicLog('t', topic.metadata, topic.bounds);
    assert.deepEqual(log, { topicId: Buffer.from(A, 'hex').toString('base64url'), partitions: [{ partition: 0, low: 0n, high: 10n }] });
    assert.equal(topic.reads(), 2);
  });

  it('reads again when the topic was recreated between the id and the offsets: never the new log\'s bounds under the old id', async () => {
    const topic = topicThatAnswers([A, B, B, B]);
    const log = await consistentTopicLog('t', topic.metadata, topic.bounds);
    assert.deepEqual(log, { topicId: Buffer.from(B, 'hex').toString('base64url'), partitions: [{ partition: 0, low: 0n, high: 3n }] });
    assert.equal(topic.reads(), 4);
  });

  it('gives up with INCONSISTENT_TOPIC_ID (retriable) when the id moves on every read', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? A : B));
    const topic = topicThatAnswers(ids);
    await assert.rejects(consistentTopicLog('t', topic.metadata, topic.bounds), (error: unknown) => {
      assert.ok(error instanceof KafkaProtocolError);
      assert.equal(error.errorCode, KafkaCode.INCONSISTENT_TOPIC_ID);
      assert.equal(error.retriable, true);
      assert.match(error.message, /the id of t changed while its offsets were read, 5 times/);
      return true;
    });
    assert.equal(topic.reads(), 10);
  });

  it('a broker without topic ids: null', async () => {
    const zero = '0'.repeat(32);
    const topic = topicThatAnswers([zero]);
    assert.equal((await consistentTopicLog('t', topic.metadata, topic.bounds)).topicId, null);
  });
});
