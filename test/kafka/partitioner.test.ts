import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { partitionForKey } from '../../src/kafka/index.js';

/** kafkajs' default partitioner is the Java client's (murmur2, sign bit masked): ours must agree with it. */
test('keyed records land on the partition Kafka\'s Java-compatible partitioner picks', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  fc.assert(
    fc.property(fc.oneof(fc.uuid(), fc.string({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b))), fc.integer({ min: 1, max: 64 }), (key, partitions) => {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
      assert.equal(partitionForKey(key, partitions), expected, String(key));
    }),
    { numRuns: 3000 },
  );
});
