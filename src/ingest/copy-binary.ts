import type { ConsumedRecord, RecordHeader } from '../kafka/client.js';

/**
 * Rows of raw.kafka_messages in PostgreSQL's COPY BINARY format, written
 * straight into one Buffer per batch: the fastest way into PostgreSQL
 * measured here (PLATFORM.md), and the encoder is what the reference
 * benchmark uses too, so "ingest vs COPY alone" compares like with like.
 */

/** Columns in the order the encoder writes them; `ingested_at` takes its default (the transaction's now()). */
export const LANDING_COLUMNS = Object.freeze(['topic', 'partition', '"offset"', 'key', 'value', 'headers', 'kafka_timestamp']);

export const COPY_SIGNATURE = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

const FIELDS = LANDING_COLUMNS.length;
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
// per row: field count + 7 length words + partition(4) + offset(8) + timestamp(8)
const FIXED_ROW_BYTES = 2 + FIELDS * 4 + 4 + 8 + 8;

/**
 * Headers as the landing contract stores them: a jsonb array that keeps order
 * and duplicates, `[{"key": name, "value": base64 | null}]`; null for none.
 */
export function headersJson(headers: readonly RecordHeader[] | null): string | null {
  if (headers === null || headers.length === 0) return null;
  return JSON.stringify(headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('base64') })));
}

/** Encodes records (all of one topic and partition) as COPY BINARY rows, without signature or trailer. */
export function encodeRows(topic: Buffer, partition: number, records: readonly ConsumedRecord[]): Buffer {
  let size = records.length * (FIXED_ROW_BYTES + topic.length);
  let headerBytes: (Buffer | null)[] | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.key !== null) size += r.key.length;
    if (r.value !== null) size += r.value.length;
    if (r.headers !== null) {
      headerBytes ??= new Array<Buffer | null>(records.length).fill(null);
      const json = headersJson(r.headers);
      const bytes = json === null ? null : Buffer.from(json, 'utf8');
      headerBytes[i] = bytes;
      if (bytes) size += 1 + bytes.length;
    }
  }
  // never a slice of the shared pool: posting a view to the landing thread copies its whole ArrayBuffer
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    out.writeInt16BE(FIELDS, at);
    at += 2;
    // topic (text)
    out.writeInt32BE(topic.length, at);
    topic.copy(out, at + 4);
    at += 4 + topic.length;
    // partition (int4)
    out.writeInt32BE(4, at);
    out.writeInt32BE(partition, at + 4);
    at += 8;
    // offset (int8)
    out.writeInt32BE(8, at);
    at = writeInt64(out, at + 4, r.offset);
    at = writeBytes(out, at, r.key);
    at = writeBytes(out, at, r.value);
    // headers (jsonb: version byte 1, then the text)
    const h = headerBytes?.[i] ?? null;
    if (h === null) {
      out.writeInt32BE(-1, at);
      at += 4;
    } else {
      out.writeInt32BE(h.length + 1, at);
      out[at + 4] = 1;
      h.copy(out, at + 5);
      at += 5 + h.length;
    }
    // kafka_timestamp (timestamptz: microseconds since 2000-01-01 UTC)
    out.writeInt32BE(8, at);
    at = writeInt64(out, at + 4, (r.timestamp - PG_EPOCH_MS) * 1000);
  }
  return at === size ? out : out.subarray(0, at);
}

function writeBytes(out: Buffer, at: number, bytes: Buffer | null): number {
  if (bytes === null) {
    out.writeInt32BE(-1, at);
    return at + 4;
  }
  out.writeInt32BE(bytes.length, at);
  bytes.copy(out, at + 4);
  return at + 4 + bytes.length;
}

/** A safe integer as a big-endian int8, without BigInt on the hot path. */
function writeInt64(out: Buffer, at: number, value: number): number {
  const high = Math.floor(value / TWO_32);
  out.writeInt32BE(high, at);
  out.writeUInt32BE(value - high * TWO_32, at + 4);
  return at + 8;
}
