import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fallbackEventDate, kafkaTimestampForStg } from '../../src/staging/chunk-builder.js';
import { LandedCopyCursor, landedRange } from '../../src/landing/index.js';

/**
 * The landing's COPY BINARY rows as the loader reads them (key, value,
 * kafka_timestamp_ms, offset), including what migration 0002 of the landing
 * allows (issue 16): any int64 of ms, of which STG stores only years 1-9999.
 */

/** One COPY BINARY stream of (key, value, kafka_timestamp_ms, offset) rows. */
function copyStream(rows: readonly { key: Buffer | null; value: Buffer | null; ms: bigint; offset: number }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  const field = (bytes: Buffer | null): Buffer => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes === null ? -1 : bytes.length);
    return bytes === null ? length : Buffer.concat([length, bytes]);
  };
  const int8 = (n: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    return b;
  };
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(4);
    parts.push(count, field(row.key), field(row.value), field(int8(row.ms)), field(int8(BigInt(row.offset))));
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  parts.push(trailer);
  return Buffer.concat(parts);
}

const msOf = (iso: string): bigint => BigInt(Date.parse(iso));

describe('landed COPY rows', () => {
  it('reads every Kafka timestamp exactly; STG keeps years 1-9999 and null for the rest', () => {
    const rows = [
      { key: null, value: Buffer.from('a\u0000b'), ms: 9_223_372_036_854_775_806n, offset: 7 }, // Long.MAX_VALUE - 1
      { key: Buffer.from('k'), value: null, ms: msOf('2022-10-01T00:16:00Z'), offset: 8 },
      { key: null, value: Buffer.alloc(0), ms: 9_000_000_000_000_000n, offset: 9 }, // about year 287,000
      { key: null, value: Buffer.from('x'), ms: -70_000_000_000_000n, offset: 10 }, // about 218 BC
      { key: null, value: Buffer.from('y'), ms: msOf('9999-12-31T23:59:59.999Z'), offset: 11 },
    ];
    const data = copyStream(rows);
    assert.deepEqual(landedRange(data), { empty: false, firstOffset: 7, lastOffset: 11 });
    const cursor = new LandedCopyCursor(data);
    const read: unknown[] = [];
    while (cursor.next()) read.push([cursor.offset, cursor.value()?.toString('latin1') ?? null, cursor.kafkaTimestampMs(), kafkaTimestampForStg(cursor.kafkaTimestampMs())?.toISOString() ?? null]);
    assert.deepEqual(read, [
      [7, 'a\u0000b', 9_223_372_036_854_775_806n, null],
      [8, null, msOf('2022-10-01T00:16:00Z'), '2022-10-01T00:16:00.000Z'],
      [9, '', 9_000_000_000_000_000n, null],
      [10, 'x', -70_000_000_000_000n, null],
      [11, 'y', msOf('9999-12-31T23:59:59.999Z'), '9999-12-31T23:59:59.999Z'],
    ]);
    assert.equal(fallbackEventDate(null), '1970-01-01');
    assert.equal(fallbackEventDate(new Date('2022-10-01T23:59:59Z')), '2022-10-01');
  });

  it('a chunk whose only row has a timestamp STG cannot store still has its offset range', () => {
    assert.deepEqual(landedRange(copyStream([{ key: null, value: null, ms: -1n << 62n, offset: 42 }])), { empty: false, firstOffset: 42, lastOffset: 42 });
  });
});
