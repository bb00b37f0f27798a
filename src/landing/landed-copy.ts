import { copyTuplesStart } from '../db/copy-binary/index.js';
import { TurnoverError } from '../errors.js';

/**
 * Reads the COPY BINARY stream of `sql/landing/stg_copy_chunk.sql` (columns
 * key bytea, value bytea, kafka_timestamp_ms int8, "offset" int8) in
 * place: a cursor over the buffer, no object per row. Bytes arrive as the
 * server stores them (no hex text to decode, no timestamp text to parse).
 */

const COLUMNS = 4;
const TWO_32 = 2 ** 32;

function malformed(why: string): TurnoverError {
  return new TurnoverError('INTERNAL', `the landing zone's COPY output is not what the loader expects: ${why}`);
}

export class LandedCopyCursor {
  /** The current row's Kafka offset. */
  offset = -1;
  /** Start and length of the current row's key and value in `data`; length -1 = NULL. */
  keyStart = 0;
  keyLength = -1;
  valueStart = 0;
  valueLength = -1;
  /** Where the current row's Kafka timestamp (int64 ms since 1970, exact) starts in `data`. */
  #timestampAt = 0;
  #at: number;

  constructor(readonly data: Buffer) {
    this.#at = dataStart(data);
  }

  /** Moves to the next row; false at the trailer. */
  next(): boolean {
    const d = this.data;
    let at = this.#at;
    if (at + 2 > d.length) throw malformed('no trailer');
    const fields = int16(d, at);
    if (fields === -1) return false;
    if (fields !== COLUMNS) throw malformed(`a row of ${fields} columns`);
    at += 2;
    this.keyLength = int32(d, at);
    this.keyStart = at + 4;
    at += 4 + Math.max(this.keyLength, 0);
    this.valueLength = int32(d, at);
    this.valueStart = at + 4;
    at += 4 + Math.max(this.valueLength, 0);
    if (at + 24 > d.length || int32(d, at) !== 8 || int32(d, at + 12) !== 8) throw malformed('a Kafka timestamp (ms) or an offset that is not 8 bytes');
    this.#timestampAt = at + 4;
    this.offset = int64(d, at + 16);
    this.#at = at + 24;
    return true;
  }

  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.data.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** A copy of the key's bytes (it outlives the chunk's buffer in a reject). */
  keyCopy(): Uint8Array | null {
    return this.keyLength < 0 ? null : new Uint8Array(this.data.subarray(this.keyStart, this.keyStart + this.keyLength));
  }

  valueCopy(): Uint8Array | null {
    return this.valueLength < 0 ? null : new Uint8Array(this.data.subarray(this.valueStart, this.valueStart + this.valueLength));
  }

  /** The Kafka timestamp exactly (any int64: 0, negative, Long.MAX_VALUE - 1), read only for a reject. */
  kafkaTimestampMs(): bigint {
    return this.data.readBigInt64BE(this.#timestampAt);
  }
}

function int16(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16)) >> 16;
}

function int32(d: Uint8Array, at: number): number {
  return (d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!;
}

function int64(d: Uint8Array, at: number): number {
  return int32(d, at) * TWO_32 + (int32(d, at + 4) >>> 0);
}

/** Where the tuples start, after the signature, flags and header extension. */
function dataStart(data: Buffer): number {
  const start = copyTuplesStart(data);
  if (start === undefined) throw malformed('no COPY BINARY signature');
  return start;
}

/**
 * Whether a landed chunk has rows, and its offset range, without walking it:
 * the first row's offset is three fields in, the last row's offset is the
 * last field before the trailer.
 */
export function landedRange(data: Buffer): { empty: boolean; firstOffset: number; lastOffset: number } {
  let at = dataStart(data);
  if (int16(data, at) === -1) return { empty: true, firstOffset: -1, lastOffset: -1 };
  at += 2;
  at += 4 + Math.max(int32(data, at), 0);
  at += 4 + Math.max(int32(data, at), 0);
  at += 12;
  const end = data.length - 2;
  if (int16(data, end) !== -1 || int32(data, end - 12) !== 8 || int32(data, at) !== 8) throw malformed('no offset where the last column should be');
  return { empty: false, firstOffset: int64(data, at + 4), lastOffset: int64(data, end - 8) };
}
