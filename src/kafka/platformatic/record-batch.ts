import { crc32c } from '@platformatic/kafka';
import type { ProducedMessage } from '../client.js';

/**
 * Kafka record batch, format v2 (magic 2, uncompressed), written in one
 * pass into one buffer: sizes first, then bytes. Strings go straight from
 * the JS string into the batch (no per-message Buffer), which is most of
 * what it saves over @platformatic/kafka's own encoder (a DynamicBuffer and
 * BigInt arithmetic per record): see bench/generator/produce.ts.
 *
 * Layout (https://kafka.apache.org/documentation/#recordbatch):
 * baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 | magic i8 | crc u32 |
 * attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 | maxTimestamp i64 |
 * producerId i64 | producerEpoch i16 | baseSequence i32 | records count i32 | records
 * record: length varint | attributes i8 | timestampDelta varlong | offsetDelta varint |
 * key (varint length, -1 = null) | value (same) | headers count varint | headers
 * The CRC-32C covers attributes to the end; the broker sets baseOffset and the epoch.
 */
const HEADER_BYTES = 61;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;

/** ZigZag for integers up to 2^52 in magnitude (timestamps, lengths, deltas). */
function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varintSize(unsigned: number): number {
  let size = 1;
  while (unsigned >= 128) {
    unsigned = Math.floor(unsigned / 128);
    size++;
  }
  return size;
}

function writeVarint(buffer: Buffer, offset: number, unsigned: number): number {
  while (unsigned >= 128) {
    buffer[offset++] = (unsigned % 128) | 0x80;
    unsigned = Math.floor(unsigned / 128);
  }
  buffer[offset++] = unsigned;
  return offset;
}

type Bytes = string | Buffer | null | undefined;

function byteLength(value: Bytes): number {
  if (value === null || value === undefined) return -1;
  if (typeof value !== 'string') return value.length;
  // short ASCII strings (UUID keys) are their own byte length; checking in JS beats the native call
  if (value.length <= 64) {
    let ascii = true;
    for (let i = 0; i < value.length && ascii; i++) ascii = value.charCodeAt(i) < 128;
    if (ascii) return value.length;
  }
  return Buffer.byteLength(value, 'utf8');
}

function writeBytes(buffer: Buffer, offset: number, value: Bytes, length: number): number {
  offset = writeVarint(buffer, offset, zigzag(length));
  if (length <= 0) return offset;
  if (typeof value === 'string') {
    // byteLength === length in chars means ASCII: latin1 is the faster copy
    return offset + (value.length === length ? buffer.write(value, offset, length, 'latin1') : buffer.write(value, offset, length, 'utf8'));
  }
  buffer.set(value as Buffer, offset);
  return offset + length;
}

export function encodeRecordBatch(messages: readonly ProducedMessage[], now: number = Date.now()): Buffer {
  const count = messages.length;
  if (count === 0) throw new RangeError('a record batch needs at least one record');
  const keyLengths = new Int32Array(count);
  const valueLengths = new Int32Array(count);
  const bodySizes = new Float64Array(count);
  const headerEntries: ([string, string | Buffer][] | undefined)[] = new Array(count);
  let baseTimestamp = Infinity;
  let maxTimestamp = -Infinity;
  for (const m of messages) {
    const t = m.timestamp ?? now;
    if (t < baseTimestamp) baseTimestamp = t;
    if (t > maxTimestamp) maxTimestamp = t;
  }
  let size = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const m = messages[i]!;
    const keyLength = byteLength(m.key);
    const valueLength = byteLength(m.value);
    keyLengths[i] = keyLength;
    valueLengths[i] = valueLength;
    let body = 1 + varintSize(zigzag((m.timestamp ?? now) - baseTimestamp)) + varintSize(zigzag(i))
      + varintSize(zigzag(keyLength)) + Math.max(keyLength, 0) + varintSize(zigzag(valueLength)) + Math.max(valueLength, 0);
    const headers = m.headers ? Object.entries(m.headers) : undefined;
    headerEntries[i] = headers;
    body += varintSize(zigzag(headers?.length ?? 0));
    for (const [key, value] of headers ?? []) {
      const k = Buffer.byteLength(key, 'utf8');
      const v = byteLength(value);
      body += varintSize(zigzag(k)) + k + varintSize(zigzag(v)) + Math.max(v, 0);
    }
    bodySizes[i] = body;
    size += varintSize(zigzag(body)) + body;
  }

  const buffer = Buffer.allocUnsafe(size);
  buffer.writeBigInt64BE(0n, 0);
  buffer.writeInt32BE(size - 12, 8);
  buffer.writeInt32BE(-1, 12);
  buffer.writeInt8(2, 16);
  buffer.writeInt16BE(0, ATTRIBUTES_AT);
  buffer.writeInt32BE(count - 1, 23);
  buffer.writeBigInt64BE(BigInt(baseTimestamp), 27);
  buffer.writeBigInt64BE(BigInt(maxTimestamp), 35);
  buffer.writeBigInt64BE(-1n, 43);
  buffer.writeInt16BE(-1, 51);
  buffer.writeInt32BE(-1, 53);
  buffer.writeInt32BE(count, 57);
  let offset = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const m = messages[i]!;
    offset = writeVarint(buffer, offset, zigzag(bodySizes[i]!));
    buffer[offset++] = 0;
    offset = writeVarint(buffer, offset, zigzag((m.timestamp ?? now) - baseTimestamp));
    offset = writeVarint(buffer, offset, zigzag(i));
    offset = writeBytes(buffer, offset, m.key, keyLengths[i]!);
    offset = writeBytes(buffer, offset, m.value, valueLengths[i]!);
    const headers = headerEntries[i];
    offset = writeVarint(buffer, offset, zigzag(headers?.length ?? 0));
    for (const [key, value] of headers ?? []) {
      offset = writeBytes(buffer, offset, key, Buffer.byteLength(key, 'utf8'));
      offset = writeBytes(buffer, offset, value, byteLength(value));
    }
  }
  if (offset !== size) throw new Error(`record batch size mismatch: wrote ${offset} of ${size} bytes`);
  buffer.writeUInt32BE(crc32c(buffer.subarray(ATTRIBUTES_AT)) >>> 0, CRC_AT);
  return buffer;
}
