import { crc32c as libraryCrc32c } from '@platformatic/kafka';

/**
 * An independent record-batch (v2) encoder for tests, written for clarity
 * with BigInt throughout: any int64 timestamp, header names as any bytes (or
 * null), null header values, repeated names, any number of headers, and
 * transactional and control batches. Its CRC-32C is @platformatic/kafka's,
 * not ours, so the reader is checked against another implementation.
 */
export type Bytes = Buffer | string | null;

export interface RawRecord {
  readonly key: Bytes;
  readonly value: Bytes;
  readonly headers?: readonly (readonly [Bytes, Bytes])[];
  readonly timestamp: bigint;
  /** Offset delta inside the batch; record index when absent. */
  readonly offsetDelta?: number;
}

export interface RawBatchOptions {
  readonly baseOffset?: bigint;
  /** Compression codec bits (1 gzip, 2 snappy, 3 lz4, 4 zstd, 5–7 unknown) and the records' bytes as compressed. */
  readonly codec?: number;
  readonly compress?: (records: Buffer) => Buffer;
  readonly producerId?: bigint;
  readonly transactional?: boolean;
  readonly control?: boolean;
  readonly logAppendTime?: bigint;
}

const bytesOf = (b: Bytes): Buffer | null => (b === null ? null : Buffer.isBuffer(b) ? b : Buffer.from(b, 'utf8'));

/** A zigzag varlong of an int64 (a difference that overflows wraps, as Java's long arithmetic does). */
export function varlong(value: bigint): Buffer {
  const v = BigInt.asIntN(64, value);
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return Buffer.from(out);
}

function field(b: Bytes): Buffer {
  const bytes = bytesOf(b);
  return bytes === null ? varlong(-1n) : Buffer.concat([varlong(BigInt(bytes.length)), bytes]);
}

export function encodeRecord(r: RawRecord, index: number, baseTimestamp: bigint): Buffer {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    varlong(r.timestamp - baseTimestamp),
    varlong(BigInt(r.offsetDelta ?? index)),
    field(r.key),
    field(r.value),
    varlong(BigInt(headers.length)),
    ...headers.flatMap(([name, value]) => [field(name), field(value)]),
  ]);
  return Buffer.concat([varlong(BigInt(body.length)), body]);
}

export function rawBatch(records: readonly RawRecord[], options: RawBatchOptions = {}): Buffer {
  const timestamps = records.map((r) => r.timestamp);
  const base = timestamps.reduce((a, b) => (b < a ? b : a), timestamps[0] ?? 0n);
  const max = options.logAppendTime ?? timestamps.reduce((a, b) => (b > a ? b : a), timestamps[0] ?? 0n);
  let recordBytes: Buffer = Buffer.concat(records.map((r, i) => encodeRecord(r, i, base)));
  if (options.compress) recordBytes = options.compress(recordBytes);
  const lastDelta = records.reduce((m, r, i) => Math.max(m, r.offsetDelta ?? i), 0);
  const attributes = (options.codec ?? 0) | (options.logAppendTime !== undefined ? 0x08 : 0) | (options.transactional ? 0x10 : 0) | (options.control ? 0x20 : 0);
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(options.baseOffset ?? 0n, 0);
  header.writeInt32BE(61 - 12 + recordBytes.length, 8);
  header.writeInt32BE(0, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(attributes, 21);
  header.writeInt32BE(lastDelta, 23);
  header.writeBigInt64BE(base, 27);
  header.writeBigInt64BE(max, 35);
  header.writeBigInt64BE(options.producerId ?? -1n, 43);
  header.writeInt16BE(options.producerId === undefined ? -1 : 0, 51);
  header.writeInt32BE(options.producerId === undefined ? -1 : 0, 53);
  header.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([header, recordBytes]);
  batch.writeUInt32BE(libraryCrc32c(batch.subarray(21)) >>> 0, 17);
  return batch;
}

/** A transaction marker (control batch): type 0 = abort, 1 = commit. */
export function controlBatch(baseOffset: bigint, producerId: bigint, type: 0 | 1): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return rawBatch([{ key, value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: 0n }], { baseOffset, producerId, transactional: true, control: true });
}
