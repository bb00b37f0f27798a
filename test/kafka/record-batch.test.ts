import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32c, readRecordsBatch, Reader } from '@platformatic/kafka';
import type { ProducedMessage } from '../../src/kafka/index.js';
import { encodeRecordBatch } from '../../src/kafka/platformatic/record-batch.js';
import { liveFeedValues } from '../contracts/feed-lines.js';

/** Our encoder against the library's decoder: what goes in comes out, and the CRC holds. */
function roundTrip(messages: readonly ProducedMessage[], now: number): void {
  const batch = encodeRecordBatch(messages, now);
  const decoded = readRecordsBatch(Reader.from(batch));
  assert.equal(decoded.magic, 2);
  assert.equal(decoded.length, batch.length - 12);
  assert.equal(decoded.crc, crc32c(batch.subarray(21)) >>> 0);
  assert.equal(decoded.records.length, messages.length);
  assert.equal(decoded.lastOffsetDelta, messages.length - 1);
  const bytes = (v: string | Buffer | null | undefined) => (v === null || v === undefined ? undefined : Buffer.from(v));
  messages.forEach((m, i) => {
    const r = decoded.records[i]!;
    assert.equal(r.offsetDelta, i);
    assert.deepEqual(bytes(r.key) ?? null, bytes(m.key) ?? null, `key ${i}`);
    assert.deepEqual(bytes(r.value) ?? null, bytes(m.value) ?? null, `value ${i}`);
    assert.equal(decoded.firstTimestamp + r.timestampDelta, BigInt(m.timestamp ?? now));
    const headers = Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('hex')]);
    assert.deepEqual(r.headers.map(([k, v]) => [String(k), v?.toString('hex')]), headers);
  });
}

test('the live feed\'s messages round-trip through a record batch', () => {
  const values = liveFeedValues().map((v) => v.value);
  roundTrip(values.map((value, i) => ({ key: value.toString().slice(15, 51), value, partition: i % 3 })), Date.now());
});

test('any keys, values, headers and timestamps round-trip', () => {
  const bytesOrText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)));
  const message = fc.record({
    key: fc.option(bytesOrText, { nil: null }),
    value: fc.option(bytesOrText, { nil: null }),
    headers: fc.option(fc.dictionary(fc.string({ maxLength: 10 }), bytesOrText, { maxKeys: 3 }), { nil: undefined }),
    timestamp: fc.option(fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), { nil: undefined }),
  }).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as unknown as ProducedMessage);
  fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), (messages, now) => roundTrip(messages, now)), { numRuns: 500 });
});
