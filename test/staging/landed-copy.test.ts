import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fallbackEventDate } from '../../src/staging/chunk-builder.js';
import { LandedCopyCursor, landedRange } from '../../src/staging/landed-copy.js';

/**
 * The landing's COPY BINARY rows as the loader reads them, including what
 * migration 0002 of the landing allows (issue 16): a NULL kafka_timestamp,
 * and timestamps PostgreSQL holds but STG does not (years past 9999, BC).
 */

const PG_EPOCH_MS = 946_684_800_000;

/** One COPY BINARY stream of (key, value, kafka_timestamp, offset) rows; a null timestamp is a NULL field. */
function copyStream(rows: readonly { key: Buffer | null; value: Buffer | null; micros: bigint | null; offset: number }[]): Buffer {
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
    parts.push(count, field(row.key), field(row.value), field(row.micros === null ? null : int8(row.micros)), field(int8(BigInt(row.offset))));
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  parts.push(trailer);
  return Buffer.concat(parts);
}

const microsOf = (iso: string): bigint => BigInt(Date.parse(iso) - PG_EPOCH_MS) * 1000n;

describe('landed COPY rows', () => {
  it('reads a NULL Kafka timestamp and timestamps outside years 1-9999 as null, the rest as they are', () => {
    const rows = [
      { key: null, value: Buffer.from('a\u0000b'), micros: null, offset: 7 },
      { key: Buffer.from('k'), value: null, micros: microsOf('2022-10-01T00:16:00Z'), offset: 8 },
      { key: null, value: Buffer.alloc(0), micros: 9_000_000_000_000_000_000n, offset: 9 }, // about year 287,000
      { key: null, value: Buffer.from('x'), micros: -70_000_000_000_000_000n, offset: 10 }, // about 218 BC
      { key: null, value: Buffer.from('y'), micros: microsOf('9999-12-31T23:59:59.999Z'), offset: 11 },
    ];
    const data = copyStream(rows);
    assert.deepEqual(landedRange(data), { empty: false, firstOffset: 7, lastOffset: 11 });
    const cursor = new LandedCopyCursor(data);
    const read: unknown[] = [];
    while (cursor.next()) read.push([cursor.offset, cursor.value()?.toString('latin1') ?? null, cursor.kafkaTimestamp()?.toISOString() ?? null]);
    assert.deepEqual(read, [
      [7, 'a\u0000b', null],
      [8, null, '2022-10-01T00:16:00.000Z'],
      [9, '', null],
      [10, 'x', null],
      [11, 'y', '9999-12-31T23:59:59.999Z'],
    ]);
    assert.equal(fallbackEventDate(null), '1970-01-01');
    assert.equal(fallbackEventDate(new Date('2022-10-01T23:59:59Z')), '2022-10-01');
  });

  it('a chunk whose only row has a NULL timestamp still has its offset range', () => {
    assert.deepEqual(landedRange(copyStream([{ key: null, value: null, micros: null, offset: 42 }])), { empty: false, firstOffset: 42, lastOffset: 42 });
  });
});
