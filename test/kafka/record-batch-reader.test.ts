import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import snappyjs from 'snappyjs';
import { encodeFetched } from '../../src/landing/index.js';
import { decodeRecords, type FetchedBatch } from '../../src/kafka/index.js';
import { RecordBatchReader, scanBatches } from '../../src/kafka/record-batch-reader.js';
import { controlBatch, rawBatch, type Bytes, type RawRecord } from './raw-batch.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const bytes = (b: Bytes): Buffer | null => (b === null ? null : Buffer.from(b));

function fetched(recordBatches: Buffer, fetchOffset = 0, abortedTransactions: FetchedBatch['abortedTransactions'] = []): FetchedBatch {
  const { nextOffset } = scanBatches(recordBatches, fetchOffset);
  return { topic: 't', partition: 0, fetchOffset, nextOffset, highWatermark: nextOffset, recordBatches, abortedTransactions };
}

/** What went in comes out, byte for byte, through our reader (independent encoder, the library's CRC). */
function assertRoundTrip(records: readonly RawRecord[], batch: Buffer): void {
  const decoded = decodeRecords(fetched(batch));
  assert.equal(decoded.length, records.length);
  records.forEach((r, i) => {
    const d = decoded[i]!;
    assert.equal(d.offset, i);
    assert.deepEqual(d.key, bytes(r.key), `key ${i}`);
    assert.deepEqual(d.value, bytes(r.value), `value ${i}`);
    assert.equal(d.timestamp, r.timestamp, `timestamp ${i}`);
    const headers = (r.headers ?? []).map(([k, v]) => ({ key: bytes(k) ?? Buffer.alloc(0), value: bytes(v) }));
    assert.deepEqual(d.headers ?? [], headers, `headers ${i}`);
  });
}

const anyBytes = fc.oneof(fc.constant(null), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), fc.string({ maxLength: 20 }));
const headerName = fc.oneof(
  fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'a\u0000b', ''),
  fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)),
);
const record = fc.record({
  key: anyBytes,
  value: anyBytes,
  headers: fc.array(fc.tuple(headerName, anyBytes), { maxLength: 6 }),
  timestamp: fc.oneof(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), fc.constantFrom(0n, -1n, INT64_MAX - 1n, INT64_MIN), fc.bigInt({ min: 1_600_000_000_000n, max: 1_900_000_000_000n })),
});

test('any keys, values, header names and values, and int64 timestamps read back exactly', () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 30 }), (records) => assertRoundTrip(records, rawBatch(records))),
    { seed: 16, numRuns: 400 },
  );
});

test('hundreds of headers, repeated names and null values read back in order', () => {
  const headers: [Bytes, Bytes][] = Array.from({ length: 700 }, (_, i) => [i % 3 === 0 ? 'dup' : Buffer.from([i & 0xff, 0xff, 0x00]), i % 5 === 0 ? null : `v${i}`]);
  assertRoundTrip([{ key: null, value: 'x', headers, timestamp: 1n }], rawBatch([{ key: null, value: 'x', headers, timestamp: 1n }]));
});

test('gzip, snappy (raw and xerial-framed) and LZ4 batches decompress to the same records', () => {
  const records: RawRecord[] = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `{"n": ${i}, "pad": "${'x'.repeat(i * 7)}"}`, headers: [['h', `${i}`]], timestamp: BigInt(1_700_000_000_000 + i) }));
  assertRoundTrip(records, rawBatch(records, { codec: 1, compress: (b) => gzipSync(b) }));
  assertRoundTrip(records, rawBatch(records, { codec: 2, compress: (b) => Buffer.from(snappyjs.compress(b)) }));
  const xerial = (b: Buffer) => {
    const block = Buffer.from(snappyjs.compress(b));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    return Buffer.concat([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]), length, block]);
  };
  assertRoundTrip(records, rawBatch(records, { codec: 2, compress: xerial }));
  // an LZ4 frame of two blocks stored uncompressed (the block decoder itself: the next test, and real broker-written LZ4 in test/ingest)
  const lz4 = (b: Buffer) => {
    const stored = (part: Buffer) => {
      const size = Buffer.alloc(4);
      size.writeUInt32LE((part.length | 0x80000000) >>> 0);
      return [size, part];
    };
    const half = b.length >> 1;
    return Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]), ...stored(b.subarray(0, half)), ...stored(b.subarray(half)), Buffer.alloc(4)]);
  };
  assertRoundTrip(records, rawBatch(records, { codec: 3, compress: lz4 }));
});

test('an LZ4 block with a match that overlaps its own output expands byte by byte', () => {
  // "ab" + match(distance 2, length 18) + last literals "!" → "ab" repeated 10 times, then "!"
  const block = Buffer.from([(2 << 4) | 14, 0x61, 0x62, 2, 0, (1 << 4) | 0, 0x21]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(block.length);
  const frame = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]), size, block, Buffer.alloc(4)]);
  const expected = `${'ab'.repeat(10)}!`;
  // and the overlapping-match frame itself, read as a batch's records, is 21 bytes of the expected text
  const batch = rawBatch([{ key: null, value: 'x', timestamp: 0n }], { codec: 3, compress: () => frame });
  const reader = new RecordBatchReader(batch, 0);
  assert.equal(reader.nextBatch(), true);
  assert.equal(reader.data.toString('latin1'), expected);
});

test('a corrupt batch, an unknown codec and a legacy message set are problems of their batch, never exceptions', () => {
  const good = rawBatch([{ key: null, value: 'ok', timestamp: 1n }], { baseOffset: 0n });
  const corrupt = rawBatch([{ key: null, value: 'flipped', timestamp: 1n }], { baseOffset: 1n });
  corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 2) ^ 0x01, corrupt.length - 2);
  const unknownCodec = rawBatch([{ key: null, value: 'z', timestamp: 1n }], { baseOffset: 2n, codec: 5, compress: (b) => b });
  const legacy = Buffer.alloc(12 + 26);
  legacy.writeBigInt64BE(3n, 0);
  legacy.writeInt32BE(26, 8);
  legacy.writeInt8(1, 16);
  const after = rawBatch([{ key: null, value: 'after', timestamp: 1n }], { baseOffset: 4n });
  const all = Buffer.concat([good, corrupt, unknownCodec, legacy, after]);

  const rows = encodeFetched({ topic: Buffer.from('t'), incarnation: 0, partition: 0 }, all, 0);
  assert.equal(rows.rows, 2, 'the readable batches land');
  assert.equal(rows.next, 5);
  assert.deepEqual(rows.rejects.map((r) => [r.offset, r.reason]), [[1, 'corrupt_batch'], [2, 'unsupported_compression'], [3, 'unsupported_format']]);
  assert.match(rows.rejects[0]!.detail, /CRC-32C mismatch/);
  assert.deepEqual(Buffer.from(rows.rejects[1]!.value!), unknownCodec, 'the whole batch is kept');
  assert.throws(() => decodeRecords(fetched(corrupt, 1)), /corrupt_batch/);
});

test('read_committed: aborted transactions and markers are skipped; positions move past them', () => {
  const pid = 7n;
  const batches = Buffer.concat([
    rawBatch([{ key: null, value: 'plain', timestamp: 1n }], { baseOffset: 0n }),
    rawBatch([{ key: null, value: 'aborted-1', timestamp: 1n }, { key: null, value: 'aborted-2', timestamp: 1n }], { baseOffset: 1n, producerId: pid, transactional: true }),
    controlBatch(3n, pid, 0),
    rawBatch([{ key: null, value: 'committed', timestamp: 1n }], { baseOffset: 4n, producerId: pid, transactional: true }),
    controlBatch(5n, pid, 1),
  ]);
  const values = decodeRecords(fetched(batches, 0, [{ producerId: pid, firstOffset: 1 }])).map((r) => r.value!.toString());
  assert.deepEqual(values, ['plain', 'committed']);
  const rows = encodeFetched({ topic: Buffer.from('t'), incarnation: 0, partition: 0 }, batches, 0, [{ producerId: pid, firstOffset: 1 }]);
  assert.equal(rows.rows, 2);
  assert.equal(rows.next, 6, 'past the last marker');
});

test('a partial batch at the end waits for the next fetch; records below the fetch offset are not returned', () => {
  const records: RawRecord[] = Array.from({ length: 5 }, (_, i) => ({ key: null, value: `v${i}`, timestamp: BigInt(i) }));
  const first = rawBatch(records, { baseOffset: 10n });
  const second = rawBatch([{ key: null, value: 'next', timestamp: 0n }], { baseOffset: 15n });
  const data = Buffer.concat([first, second.subarray(0, second.length - 3)]);
  assert.deepEqual(scanBatches(data, 12), { nextOffset: 15, wholeBytes: first.length, records: 5 });
  assert.deepEqual(decodeRecords(fetched(data.subarray(0, first.length), 12)).map((r) => r.offset), [12, 13, 14]);
  const rows = encodeFetched({ topic: Buffer.from('t'), incarnation: 0, partition: 0 }, data, 12);
  assert.deepEqual([rows.rows, rows.next], [3, 15]);
});
