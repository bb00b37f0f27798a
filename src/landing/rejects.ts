import type { RecordBatchReader } from '../kafka/record-batch-reader.js';

/**
 * Records the landing cannot hold as rows of raw.landing_rejects: a Kafka
 * batch that cannot be read (corrupt, an unknown codec, a legacy format) or a
 * row PostgreSQL refused with a data or program-limit error. Each keeps its
 * coordinates, a stable reason, PostgreSQL's SQLSTATE when it refused, a
 * readable detail and the bytes that can be kept; it is committed in the
 * transaction that moves the offsets past it.
 */

/** Stable reason codes of raw.landing_rejects (docs/ingest.md lists them). */
export type LandingRejectReason =
  | 'corrupt_batch'
  | 'unsupported_compression'
  | 'unsupported_format'
  | 'data_error'
  | 'program_limit'
  | 'constraint_violation';

export interface LandingReject {
  readonly partition: number;
  readonly offset: number;
  readonly reason: LandingRejectReason;
  readonly sqlstate: string | null;
  readonly detail: string;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** The value's length as fetched (null = no value), also when the value itself could not be kept. */
  readonly valueLength: number | null;
  /** The headers column exactly as the landing row had it: a COPY BINARY bytea[] value, or null. */
  readonly headers: Uint8Array | null;
  readonly kafkaTimestampMs: bigint;
}

export const REJECT_COLUMNS = Object.freeze(['topic', 'incarnation', 'partition', '"offset"', 'reason', 'sqlstate', 'detail', 'key', 'value', 'value_length', 'headers', 'kafka_timestamp_ms']);

/**
 * A batch the reader could not read, kept whole (its header and records as
 * fetched, compressed or not) at the first offset not landed before, so it
 * can be decoded by hand later. Its timestamp is the batch's max timestamp.
 */
export function batchReject(partition: number, from: number, fetched: Buffer, reader: RecordBatchReader): LandingReject {
  const bytes = Buffer.from(fetched.subarray(reader.batchStart, reader.batchEnd));
  const timestamp = bytes.length >= 43 && reader.problem !== 'unsupported_format' ? bytes.readBigInt64BE(35) : -1n;
  return {
    partition,
    offset: Math.max(reader.baseOffset, from),
    reason: reader.problem!,
    sqlstate: null,
    detail: sanitizeDetail(`${reader.problemDetail}; the batch holds offsets ${reader.baseOffset}..${reader.lastOffset} and is kept whole in value`),
    key: null,
    value: bytes,
    valueLength: bytes.length,
    headers: null,
    kafkaTimestampMs: timestamp,
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Readable text that PostgreSQL's text type accepts: no NUL, no lone surrogate (which would not be valid UTF-8). */
export function sanitizeDetail(text: string): string {
  return text.replaceAll('\0', '\\0').replace(LONE_SURROGATE, '\uFFFD');
}

/** A reason for a PostgreSQL error class that quarantines a row. */
export function reasonForSqlState(sqlstate: string): LandingRejectReason {
  if (sqlstate.startsWith('54')) return 'program_limit';
  if (sqlstate.startsWith('23')) return 'constraint_violation';
  return 'data_error';
}

/**
 * A landing row PostgreSQL refused, read back from its COPY tuple (see
 * fetched-rows.ts for the field order): the bytes stay views of the tuple.
 */
export function rowReject(tuple: Buffer, sqlstate: string, message: string): LandingReject {
  let at = 2;
  const field = (): Buffer | null => {
    const length = tuple.readInt32BE(at);
    at += 4;
    if (length < 0) return null;
    const bytes = tuple.subarray(at, at + length);
    at += length;
    return bytes;
  };
  field(); // topic
  field(); // incarnation (the transaction's, written again by encodeRejects)
  const partition = field()!.readInt32BE(0);
  const offset = Number(field()!.readBigInt64BE(0));
  const key = field();
  const value = field();
  const headers = field();
  const kafkaTimestampMs = field()!.readBigInt64BE(0);
  return {
    partition,
    offset,
    reason: reasonForSqlState(sqlstate),
    sqlstate,
    detail: sanitizeDetail(`PostgreSQL refused the row: ${message}`),
    key,
    value,
    valueLength: value === null ? null : value.length,
    headers,
    kafkaTimestampMs,
  };
}

/** How much of a reject to keep when PostgreSQL refuses it whole: everything, then without the value, then only coordinates. */
export type KeepLevel = 'all' | 'no_value' | 'coordinates';

/** COPY BINARY rows of raw.landing_rejects of one incarnation of a topic (no signature or trailer). */
export function encodeRejects(topic: string, incarnation: number, rejects: readonly LandingReject[], keep: KeepLevel = 'all'): Buffer {
  const parts: Buffer[] = [];
  const int32 = (n: number) => {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const int64 = (n: bigint) => {
    const b = Buffer.allocUnsafe(12);
    b.writeInt32BE(8);
    b.writeBigInt64BE(n, 4);
    parts.push(b);
  };
  const bytes = (value: Uint8Array | null) => {
    if (value === null) return int32(-1);
    int32(value.length);
    parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  };
  const text = (value: string | null) => bytes(value === null ? null : Buffer.from(value, 'utf8'));
  for (const r of rejects) {
    const header = Buffer.allocUnsafe(2);
    header.writeInt16BE(REJECT_COLUMNS.length);
    parts.push(header);
    text(topic);
    int32(4);
    int32(incarnation);
    int32(4);
    int32(r.partition);
    int64(BigInt(r.offset));
    text(r.reason);
    text(r.sqlstate);
    text(keep === 'all' ? r.detail : `${r.detail} (${keep === 'no_value' ? 'the value' : 'the key, value and headers'} could not be kept either)`);
    bytes(keep === 'coordinates' ? null : r.key);
    bytes(keep === 'all' ? r.value : null);
    if (r.valueLength === null) int32(-1);
    else int64(BigInt(r.valueLength));
    bytes(keep === 'coordinates' ? null : r.headers);
    int64(r.kafkaTimestampMs);
  }
  return Buffer.concat(parts);
}
