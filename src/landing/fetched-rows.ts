import type { AbortedTransactionRef } from '../kafka/record-batch-reader.js';
import { RecordBatchReader, scanBatches } from '../kafka/record-batch-reader.js';
import { batchReject, type LandingReject } from './rejects.js';

/**
 * Fetched record batches straight into rows of raw.kafka_messages in
 * PostgreSQL's COPY BINARY format: one pass over the fetch response, bytes
 * copied from it into one output buffer, no JavaScript object per record.
 * The reference benchmark encodes with the same code, so "ingest vs COPY
 * alone" compares like with like.
 */

/** Columns in the order the encoder writes them; `ingested_at` takes its default (the transaction's now()). */
export const LANDING_COLUMNS = Object.freeze(['topic', 'incarnation', 'partition', '"offset"', 'key', 'value', 'headers', 'kafka_timestamp_ms', 'kafka_timestamp']);

const FIELDS = LANDING_COLUMNS.length;
const TWO_32 = 4_294_967_296;
const PG_EPOCH_MS = 946_684_800_000;
/** timestamptz's range in ms since 1970 (4714-11-24 BC to 294277-01-01, exclusive): outside it the column is null. */
const TIMESTAMPTZ_MIN_MS = -210_866_803_200_000n;
const TIMESTAMPTZ_END_MS = 9_224_318_016_000_000n;
/** Below this distance from 2000-01-01, microseconds stay exact in a double. */
const EXACT_MS = 9_000_000_000_000;
const BYTEA_OID = 17;
// field count, topic, incarnation, partition, offset, key, value, headers, two timestamps: length words and fixed-size values
const FIXED_ROW_BYTES = 2 + FIELDS * 4 + 4 + 4 + 8 + 8 + 8;
// a two-dimensional array: ndim, flags, element type, two (size, lower bound) pairs
const ARRAY_HEADER_BYTES = 12 + 16;

/** COPY tuples of one partition, with where each row starts (for isolating a row PostgreSQL refuses). */
export interface EncodedRows {
  readonly bytes: Buffer;
  /** rows + 1 entries: row i is bytes[rowStarts[i], rowStarts[i + 1]). */
  readonly rowStarts: Uint32Array;
  readonly rows: number;
  readonly valueBytes: number;
  /** Batches that cannot be read as records (corrupt, unknown codec), to be quarantined. */
  readonly rejects: readonly LandingReject[];
  /** Where the next fetch continues: after the last whole batch consumed. */
  readonly next: number;
}

/** Where fetched records land: the topic's name (UTF-8), the landing's incarnation of the topic, the partition. */
export interface LandingStream {
  readonly topic: Buffer;
  readonly incarnation: number;
  readonly partition: number;
}

/**
 * Encodes the record batches of one fetch of (topic, partition), records at
 * or after `from`, skipping what a read_committed consumer skips.
 */
export function encodeFetched(stream: LandingStream, fetched: Buffer, from: number, aborted: readonly AbortedTransactionRef[] = []): EncodedRows {
  const { topic, partition } = stream;
  const reader = new RecordBatchReader(fetched, from, aborted);
  // enough for uncompressed batches (a row is its record's bytes plus fixed overhead): no regrowth, little slack
  const out = new RowBuffer(fetched.length + scanBatches(fetched, from).records * (FIXED_ROW_BYTES + topic.length) + 1024);
  const rejects: LandingReject[] = [];
  let valueBytes = 0;
  while (reader.nextBatch()) {
    if (reader.skipped) continue;
    const mark = out.mark();
    let batchValueBytes = 0;
    while (reader.problem === undefined && reader.nextRecord()) {
      writeRow(out, stream, reader);
      if (reader.valueLength > 0) batchValueBytes += reader.valueLength;
    }
    if (reader.problem !== undefined) {
      out.reset(mark); // the rows of a batch that turned out unreadable are not landed: the whole batch is quarantined
      rejects.push(batchReject(partition, from, fetched, reader));
    } else {
      valueBytes += batchValueBytes;
    }
  }
  return { ...out.finish(), valueBytes, rejects, next: Math.max(from, reader.nextOffset) };
}

function writeRow(out: RowBuffer, stream: LandingStream, r: RecordBatchReader): void {
  const { topic } = stream;
  const data = r.data;
  // an upper bound of the row: key, value and headers never take more than the record's bytes plus 8 per header
  out.startRow(FIXED_ROW_BYTES + topic.length + Math.max(r.keyLength, 0) + Math.max(r.valueLength, 0) + (r.headerCount > 0 ? ARRAY_HEADER_BYTES : 0));
  out.int16(FIELDS);
  out.bytes(topic, 0, topic.length);
  out.int32(4);
  out.int32(stream.incarnation);
  out.int32(4);
  out.int32(stream.partition);
  out.int32(8);
  out.int64(r.offset);
  out.field(data, r.keyStart, r.keyLength);
  out.field(data, r.valueStart, r.valueLength);
  writeHeaders(out, r);
  out.int32(8);
  out.int32(r.timestampHigh);
  out.uint32(r.timestampLow);
  writeTimestamptz(out, r.timestampHigh, r.timestampLow);
}

/**
 * headers bytea[][]: one [name, value] pair per header, in record order,
 * duplicates kept, a null value (or name) as an SQL null; null when none.
 */
function writeHeaders(out: RowBuffer, r: RecordBatchReader): void {
  if (r.headerCount === 0) {
    out.int32(-1);
    return;
  }
  const lengthAt = out.reserve(4);
  const start = out.at;
  out.int32(2);
  const flagsAt = out.reserve(4);
  out.int32(BYTEA_OID);
  out.int32(r.headerCount);
  out.int32(1);
  out.int32(2);
  out.int32(1);
  let hasNull = 0;
  const data = r.data;
  while (r.nextHeader()) {
    // room for this header and the row's fixed-size fields after the headers
    out.ensure(8 + Math.max(r.headerNameLength, 0) + Math.max(r.headerValueLength, 0) + 32);
    out.field(data, r.headerNameStart, r.headerNameLength);
    out.field(data, r.headerValueStart, r.headerValueLength);
    if (r.headerNameLength < 0 || r.headerValueLength < 0) hasNull = 1;
  }
  out.patchInt32(flagsAt, hasNull);
  out.patchInt32(lengthAt, out.at - start);
}

/** kafka_timestamp: the same instant as microseconds since 2000-01-01, or null outside timestamptz's range. */
function writeTimestamptz(out: RowBuffer, high: number, low: number): void {
  const ms = high * TWO_32 + low;
  if (Math.abs(ms - PG_EPOCH_MS) < EXACT_MS) {
    out.int32(8);
    out.int64((ms - PG_EPOCH_MS) * 1000);
    return;
  }
  const exact = (BigInt(high) << 32n) | BigInt(low);
  if (exact < TIMESTAMPTZ_MIN_MS || exact >= TIMESTAMPTZ_END_MS) {
    out.int32(-1);
    return;
  }
  const micros = (exact - BigInt(PG_EPOCH_MS)) * 1000n;
  out.int32(8);
  out.int32(Number(micros >> 32n));
  out.uint32(Number(micros & 0xffffffffn));
}

/** A growing output buffer of COPY tuples and their row boundaries. */
class RowBuffer {
  buffer: Buffer;
  at = 0;
  #rowStarts = new Uint32Array(256);
  #rows = 0;

  constructor(initial: number) {
    // never a slice of the shared pool: posting a view to the landing thread copies its whole ArrayBuffer
    this.buffer = Buffer.allocUnsafeSlow(Math.max(initial, 1024));
  }

  startRow(maxBytes: number): void {
    this.ensure(maxBytes);
    if (this.#rows + 2 > this.#rowStarts.length) {
      const grown = new Uint32Array(this.#rowStarts.length * 2);
      grown.set(this.#rowStarts);
      this.#rowStarts = grown;
    }
    this.#rowStarts[this.#rows++] = this.at;
  }

  ensure(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }

  mark(): { at: number; rows: number } {
    return { at: this.at, rows: this.#rows };
  }

  reset(mark: { at: number; rows: number }): void {
    this.at = mark.at;
    this.#rows = mark.rows;
  }

  int16(value: number): void {
    this.buffer.writeInt16BE(value, this.at);
    this.at += 2;
  }

  int32(value: number): void {
    this.buffer.writeInt32BE(value, this.at);
    this.at += 4;
  }

  uint32(value: number): void {
    this.buffer.writeUInt32BE(value, this.at);
    this.at += 4;
  }

  /** A safe integer as int8, without BigInt on the hot path. */
  int64(value: number): void {
    const high = Math.floor(value / TWO_32);
    this.buffer.writeInt32BE(high, this.at);
    this.buffer.writeUInt32BE(value - high * TWO_32, this.at + 4);
    this.at += 8;
  }

  /** A field: its length word (-1 = null) and bytes. */
  field(data: Buffer, start: number, length: number): void {
    if (length < 0) {
      this.int32(-1);
      return;
    }
    this.bytes(data, start, length);
  }

  bytes(data: Buffer, start: number, length: number): void {
    this.buffer.writeInt32BE(length, this.at);
    data.copy(this.buffer, this.at + 4, start, start + length);
    this.at += 4 + length;
  }

  reserve(bytes: number): number {
    const at = this.at;
    this.at += bytes;
    return at;
  }

  patchInt32(at: number, value: number): void {
    this.buffer.writeInt32BE(value, at);
  }

  finish(): { bytes: Buffer; rowStarts: Uint32Array; rows: number } {
    const rowStarts = this.#rowStarts.slice(0, this.#rows + 1);
    rowStarts[this.#rows] = this.at;
    return { bytes: this.at === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.at), rowStarts, rows: this.#rows };
  }
}
