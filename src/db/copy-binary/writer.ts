import type { BufferSource } from './buffer-source.js';
import { COPY_HEADER, COPY_TRAILER } from './format.js';

/**
 * Encodes rows in PostgreSQL's COPY BINARY format. The server then stores
 * values without parsing text (no timestamp or uuid parsing per row), which
 * is where most of a text COPY's server CPU goes. The encoders are written
 * over char codes (no slicing, no regex, no C++ call per short string): this
 * runs for every STG row, off the main thread (src/staging/parse-worker.ts).
 */

const MS_PER_DAY = 86_400_000;
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for dates and timestamps. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const PG_EPOCH_DAYS = PG_EPOCH_MS / MS_PER_DAY;
const TWO_32 = 2 ** 32;

/**
 * Appends COPY BINARY data to a growing buffer: the stream header and
 * trailer, tuple headers and typed fields. Integers are stored byte by byte
 * (no bounds-checked Buffer calls in the per-field path).
 */
export class CopyBinaryWriter {
  buffer: Buffer;
  length = 0;

  /** @param buffers where large buffers come from and go back to (reuse across chunks); default: allocated. */
  constructor(
    size = 1 << 16,
    private readonly buffers?: BufferSource,
  ) {
    this.buffer = buffers ? buffers.take(Math.max(size, 64)) : Buffer.allocUnsafe(Math.max(size, 64));
  }

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const next = this.buffers ? this.buffers.take(size) : Buffer.allocUnsafe(size);
    this.buffer.copy(next, 0, 0, this.length);
    this.buffers?.give(this.buffer);
    this.buffer = next;
  }

  /** The stream's signature, flags and (empty) header extension. */
  header(): void {
    this.raw(COPY_HEADER, 0, COPY_HEADER.length);
  }
  trailer(): void {
    this.raw(COPY_TRAILER, 0, COPY_TRAILER.length);
  }
  /** Starts a tuple of `fields` fields. */
  tuple(fields: number): void {
    this.int16(fields);
  }
  int16(value: number): void {
    this.reserve(2);
    const b = this.buffer;
    const at = this.length;
    b[at] = value >>> 8;
    b[at + 1] = value;
    this.length = at + 2;
  }
  int32(value: number): void {
    this.reserve(4);
    put32(this.buffer, this.length, value);
    this.length += 4;
  }
  nullField(): void {
    this.int32(-1);
  }
  int4Field(value: number): void {
    this.reserve(8);
    const b = this.buffer;
    const at = this.length;
    put32(b, at, 4);
    put32(b, at + 4, value);
    this.length = at + 8;
  }
  /** A signed 64-bit integer given as a safe JS number. */
  int8Field(value: number): void {
    this.reserve(12);
    const b = this.buffer;
    const at = this.length;
    put32(b, at, 8);
    const high = Math.floor(value / TWO_32);
    put32(b, at + 4, high);
    put32(b, at + 8, value - high * TWO_32);
    this.length = at + 12;
  }
  /** A date as days since 2000-01-01. */
  dateDaysField(days: number): void {
    this.int4Field(days);
  }
  /**
   * A timestamp as whole seconds since 2000-01-01 00:00 (UTC for timestamptz)
   * and microseconds within the second: exact for any year (a plain number of
   * microseconds is exact only within about 285 years of 2000).
   */
  timestampPartsField(seconds: number, micros: number): void {
    if (Math.abs(seconds) < 9e9) {
      this.int8Field(seconds * 1e6 + micros);
      return;
    }
    const value = BigInt(seconds) * 1_000_000n + BigInt(micros);
    this.reserve(12);
    const b = this.buffer;
    const at = this.length;
    put32(b, at, 8);
    put32(b, at + 4, Number(BigInt.asIntN(32, value >> 32n)));
    put32(b, at + 8, Number(BigInt.asUintN(32, value)));
    this.length = at + 12;
  }
  dateField(value: unknown): void {
    this.int4Field(daysSinceEpoch(value));
  }
  timestampField(value: unknown): void {
    timestampOf(value);
    this.timestampPartsField(tsSeconds, tsMicros);
  }
  /** ASCII strings byte by byte (the feed's texts are short and ASCII); anything else through the UTF-8 encoder. */
  textField(text: string): void {
    const n = text.length;
    this.reserve(4 + n * 3);
    const b = this.buffer;
    const start = this.length + 4;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 127) {
        const written = b.write(text, start, 'utf8');
        put32(b, this.length, written);
        this.length = start + written;
        return;
      }
      b[start + i] = c;
    }
    put32(b, this.length, n);
    this.length = start + n;
  }
  /** Text given as bytes that are already valid UTF-8 (e.g. ASCII read from a message). */
  textBytesField(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.reserve(4 + n);
    const b = this.buffer;
    const at = this.length + 4;
    put32(b, this.length, n);
    for (let i = 0; i < n; i++) b[at + i] = bytes[start + i]!;
    this.length = at + n;
  }
  byteaField(bytes: Uint8Array): void {
    this.reserve(4 + bytes.length);
    put32(this.buffer, this.length, bytes.length);
    this.buffer.set(bytes, this.length + 4);
    this.length += 4 + bytes.length;
  }
  uuidField(value: unknown): void {
    const text = String(value);
    this.reserve(20);
    const b = this.buffer;
    const at = this.length;
    put32(b, at, 16);
    if (text !== lastUuidText) {
      if (!uuidBytes(text, lastUuid)) {
        lastUuidText = '';
        throw new TypeError(`not a uuid: ${text}`);
      }
      lastUuidText = text;
    }
    for (let i = 0; i < 16; i++) b[at + 4 + i] = lastUuid[i]!;
    this.length = at + 20;
  }
  /** A uuid written as 36 ASCII characters (8-4-4-4-12 hex digits) at `start` of `bytes`; false when it is not one. */
  uuidAsciiField(bytes: Uint8Array, start: number): boolean {
    this.reserve(20);
    const b = this.buffer;
    const at = this.length;
    put32(b, at, 16);
    let out = at + 4;
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (bytes[start + i] !== 45) return false;
        i += 1;
      }
      const hi = bytes[start + i]!;
      const lo = bytes[start + i + 1]!;
      const h = hi < 128 ? HEX_VALUE[hi]! : 255;
      const l = lo < 128 ? HEX_VALUE[lo]! : 255;
      if (h === 255 || l === 255) return false;
      b[out++] = (h << 4) | l;
    }
    this.length = out;
    return true;
  }
  /** Appends bytes as they are (fields or whole tuples encoded elsewhere). */
  raw(bytes: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    if (end - start > 64 && Buffer.isBuffer(bytes)) {
      bytes.copy(this.buffer, this.length, start, end);
    } else {
      const b = this.buffer;
      const at = this.length - start;
      for (let i = start; i < end; i++) b[at + i] = bytes[i]!;
    }
    this.length += end - start;
  }
  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function put32(b: Buffer, at: number, value: number): void {
  b[at] = value >>> 24;
  b[at + 1] = value >>> 16;
  b[at + 2] = value >>> 8;
  b[at + 3] = value;
}

/** Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil): no Date object. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The number written by `count` ASCII digits at `from`, or NaN. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

/** Two ASCII digits at `at`, or NaN. */
function two(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/** Days since 2000-01-01 of the `YYYY-MM-DD` that starts `text`. */
function daysOfText(text: string): number {
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || !(month >= 1 && month <= 12 && day >= 1 && day <= 31)) {
    throw new TypeError(`not a date: ${text}`);
  }
  return daysFromCivil(year, month, day) - PG_EPOCH_DAYS;
}

/**
 * Conversions remembered for the last value seen: rows of a feed repeat
 * them (a row's sent_dttm is often its transaction_dt, its object_id its
 * operation_id, its date the previous row's), and a string comparison is
 * cheaper than parsing again.
 */
let lastDateText = '';
let lastDate = 0;
let lastTimestampText = '';
/** The last timestamp converted: whole seconds since 2000-01-01 UTC and the microseconds within the second. */
let tsSeconds = 0;
let tsMicros = 0;

/** Reads `YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}]` as UTC (the contract's canonical form) into tsSeconds/tsMicros. */
function timestampOfText(text: string): void {
  if (text === lastTimestampText) return;
  const days = daysOfText(text);
  const separator = text.charCodeAt(10);
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  if (text.length < 19 || (separator !== 32 && separator !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || !(hour <= 23 && minute <= 59 && second <= 60)) {
    throw new TypeError(`not a timestamp: ${text}`);
  }
  let micros = 0;
  if (text.length > 19) {
    const count = text.length - 20;
    micros = count === 6 ? two(text, 20) * 10_000 + two(text, 22) * 100 + two(text, 24) : digits(text, 20, count);
    if (text.charCodeAt(19) !== 46 || count < 1 || count > 6 || Number.isNaN(micros)) throw new TypeError(`not a timestamp: ${text}`);
    for (let i = count; i < 6; i++) micros *= 10;
  }
  tsSeconds = days * 86_400 + hour * 3600 + minute * 60 + second;
  tsMicros = micros;
  lastTimestampText = text;
}

function timestampOf(value: unknown): void {
  if (value instanceof Date) {
    const ms = value.getTime() - PG_EPOCH_MS;
    tsSeconds = Math.floor(ms / 1000);
    tsMicros = (ms - tsSeconds * 1000) * 1000;
    lastTimestampText = '';
    return;
  }
  timestampOfText(String(value));
}

function daysSinceEpoch(value: unknown): number {
  if (value instanceof Date) return Math.floor((value.getTime() - PG_EPOCH_MS) / MS_PER_DAY);
  const text = String(value);
  if (text !== lastDateText) {
    lastDate = daysOfText(text);
    lastDateText = text;
  }
  return lastDate;
}

/** Days since 2000-01-01 (PostgreSQL's date) of a `YYYY-MM-DD` text. */
export function pgDays(text: string): number {
  return daysSinceEpoch(text);
}

/** Seconds since 2000-01-01 UTC and microseconds within the second (PostgreSQL's timestamp) of a canonical timestamp text. */
export function pgTimestamp(text: string): { seconds: number; micros: number } {
  timestampOfText(text);
  return { seconds: tsSeconds, micros: tsMicros };
}

/** Hex digit values, 255 for anything else. */
const HEX_VALUE = new Uint8Array(128).fill(255);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

let lastUuidText = '';
const lastUuid = new Uint8Array(16);

/** A dashed uuid's 16 bytes into `out`; false when the text is not one. */
function uuidBytes(text: string, out: Uint8Array): boolean {
  if (text.length !== 36 || text.charCodeAt(8) !== 45 || text.charCodeAt(13) !== 45 || text.charCodeAt(18) !== 45 || text.charCodeAt(23) !== 45) return false;
  for (let i = 0, j = 0; i < 36; i += 2, j++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i += 1;
    const hi = text.charCodeAt(i);
    const lo = text.charCodeAt(i + 1);
    const h = hi < 128 ? HEX_VALUE[hi]! : 255;
    const l = lo < 128 ? HEX_VALUE[lo]! : 255;
    if (h === 255 || l === 255) return false;
    out[j] = (h << 4) | l;
  }
  return true;
}
