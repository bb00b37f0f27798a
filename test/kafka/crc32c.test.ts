import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32c, crc32cNative, crc32cPortable } from '../../src/kafka/crc32c.js';

test('CRC-32C of the standard check input "123456789" is 0xe3069283 (RFC 3720), in both implementations', () => {
  const input = Buffer.from('123456789');
  assert.equal(crc32cPortable(input), 0xe3069283);
  assert.ok(crc32cNative, 'the compiled CRC-32C (@node-rs/crc32) did not load on this machine');
  assert.equal(crc32cNative(input), 0xe3069283);
  assert.equal(crc32c, crc32cNative, 'the ingester does not use the compiled CRC-32C');
});

test('the compiled CRC-32C equals the JavaScript one on any bytes and any sub-range (seeded)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
      const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
      // a view into a larger buffer, as the fetch response's batches are
      const framed = Buffer.concat([Buffer.from([1, 2, 3]), bytes, Buffer.from([4])]).subarray(3, 3 + bytes.length);
      assert.equal(crc32cNative!(framed, start, end), crc32cPortable(framed, start, end));
    }),
    { seed: 20261208, numRuns: 2000 },
  );
});
