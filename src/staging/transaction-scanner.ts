import { TRANSACTION_STATUSES } from '../contracts/types.js';
import { MAX_TEXT_BYTES } from './stg-columns.js';

/**
 * A byte-level recogniser of the feed's TRANSACTION messages in their usual
 * shape, for the STG load's hot path: it reads the value bytes in place
 * (no string for the message, no JSON objects) and fills one reusable slot.
 *
 * It only ever says "yes, and here are the values" or "not mine": every
 * message it does not fully recognise goes to the contract parser
 * (`parseMessage`), which stays the only judge of rejects. It recognises a
 * strict subset of what the contract accepts and yields the same values:
 * - pure printable ASCII (so valid UTF-8), strict JSON: one object, keys
 *   without escapes, each of the envelope's 4 and the payload's 9 keys
 *   exactly once and no other key; strings without escapes; integers written
 *   plainly with at most 15 digits (safe integers, no fraction or exponent);
 * - `object_type` "TRANSACTION"; `object_id` a lower-case 8-4-4-4-12 uuid and
 *   `payload.operation_id` the same text; `status` one of the five; `country`
 *   and `transaction_type` non-empty and at most MAX_TEXT_BYTES long;
 *   `currency_code` within PostgreSQL's integer;
 * - `sent_dttm` and `transaction_dt` `YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}]`
 *   without a zone, a real calendar date and time, year 1900–2199.
 * `test/staging/transaction-scanner.test.ts` checks the agreement with the
 * contract parser on the live feed and on arbitrary mutations of it.
 *
 * Written as functions over (bytes, position) returning the next position
 * or -1, so positions stay in registers; values come back in module slots.
 */

/** What a recognised message holds. Offsets index the scanned bytes; times are UTC, since 2000-01-01. */
export class ScannedTransaction {
  /** The 36 characters of object_id (= payload.operation_id). */
  idStart = 0;
  /** Index in TRANSACTION_STATUSES. */
  status = 0;
  accountFrom = 0;
  accountTo = 0;
  currencyCode = 0;
  amount = 0;
  countryStart = 0;
  countryEnd = 0;
  typeStart = 0;
  typeEnd = 0;
  /** `authorisation`, stored as `authorization`. */
  typeIsAuthorisation = false;
  transactionSeconds = 0;
  transactionMicros = 0;
  transactionDays = 0;
  sentSeconds = 0;
  sentMicros = 0;
}

const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');
const STATUS_BYTES = TRANSACTION_STATUSES.map(bytesOf);
const AUTHORISATION = bytesOf('authorisation');
const TRANSACTION = bytesOf('TRANSACTION');

const K_OBJECT_ID = bytesOf('object_id');
const K_OBJECT_TYPE = bytesOf('object_type');
const K_SENT_DTTM = bytesOf('sent_dttm');
const K_PAYLOAD = bytesOf('payload');
const K_OPERATION_ID = bytesOf('operation_id');
const K_ACCOUNT_FROM = bytesOf('account_number_from');
const K_ACCOUNT_TO = bytesOf('account_number_to');
const K_CURRENCY_CODE = bytesOf('currency_code');
const K_COUNTRY = bytesOf('country');
const K_STATUS = bytesOf('status');
const K_TRANSACTION_TYPE = bytesOf('transaction_type');
const K_AMOUNT = bytesOf('amount');
const K_TRANSACTION_DT = bytesOf('transaction_dt');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days from 1970-01-01 to 2000-01-01. */
const EPOCH_2000_DAYS = 10_957;
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;
const QUOTE = 0x22;

// values of the last integer() / timestamp() / string(), read right after the call
let intValue = 0;
let tsDays = 0;
let tsSeconds = 0;
let tsMicros = 0;
let strStart = 0;

function ws(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return p;
    p++;
  }
  return p;
}

/** A string of printable ASCII without escapes at `p`: returns the position of its closing quote (content from strStart), or -1. */
function string(b: Uint8Array, p: number, end: number): number {
  if (p >= end || b[p] !== QUOTE) return -1;
  strStart = ++p;
  while (p < end) {
    const c = b[p]!;
    if (c === QUOTE) return p;
    if (c === 0x5c || c < 0x20 || c > 0x7e) return -1;
    p++;
  }
  return -1;
}

/** After a value: whitespace, then `,` (returns the position after it) or the object's `}` (returns -2 - its position). */
function next(b: Uint8Array, p: number, end: number): number {
  p = ws(b, p, end);
  if (p >= end) return -1;
  const c = b[p];
  if (c === 0x2c) return p + 1;
  if (c === 0x7d) return -2 - p;
  return -1;
}

/** `"key"` then `:` at `p`: returns the position of the value, or -1; the key's bounds are [strStart, returned position of its quote). */
function key(b: Uint8Array, p: number, end: number): number {
  p = ws(b, p, end);
  const close = string(b, p, end);
  if (close < 0) return -1;
  keyEnd = close;
  p = ws(b, close + 1, end);
  if (p >= end || b[p] !== 0x3a) return -1;
  p = ws(b, p + 1, end);
  return p < end ? p : -1;
}
let keyEnd = 0;

function equals(b: Uint8Array, start: number, stop: number, expected: Uint8Array): boolean {
  const n = expected.length;
  if (stop - start !== n) return false;
  for (let i = 0; i < n; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}

/** A plain integer of at most 15 digits (`-?(0|[1-9][0-9]*)`) at `p`: returns the position after it (value in intValue), or -1. */
function integer(b: Uint8Array, p: number, end: number): number {
  let negative = false;
  if (p < end && b[p] === 0x2d) {
    negative = true;
    p++;
  }
  const start = p;
  let value = 0;
  while (p < end) {
    const d = b[p]! - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    p++;
  }
  const count = p - start;
  if (count === 0 || count > 15 || (count > 1 && b[start] === 0x30)) return -1;
  // a fraction or an exponent: not a plain integer
  const c = p < end ? b[p] : 0;
  if (c === 0x2e || c === 0x65 || c === 0x45) return -1;
  intValue = negative ? -value : value;
  return p;
}

function twoDigits(b: Uint8Array, at: number): number {
  const x = b[at]! - 48;
  const y = b[at + 1]! - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

/** A quoted `YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}]` at `p`: returns the position after its closing quote (tsDays, tsSeconds since 2000, tsMicros), or -1. */
function timestamp(b: Uint8Array, p: number, end: number): number {
  if (b[p] !== QUOTE || p + 21 > end) return -1;
  const s = p + 1;
  if (b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || (b[s + 10] !== 0x20 && b[s + 10] !== 0x54) || b[s + 13] !== 0x3a || b[s + 16] !== 0x3a) return -1;
  const century = twoDigits(b, s);
  const yy = twoDigits(b, s + 2);
  const month = twoDigits(b, s + 5);
  const day = twoDigits(b, s + 8);
  const hour = twoDigits(b, s + 11);
  const minute = twoDigits(b, s + 14);
  const second = twoDigits(b, s + 17);
  if (century < 19 || century > 21 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return -1;
  const year = century * 100 + yy;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return -1;
  let q = s + 19;
  let micros = 0;
  if (b[q] === 0x2e) {
    q++;
    const first = q;
    while (q < end) {
      const d = b[q]! - 48;
      if (d < 0 || d > 9) break;
      if (q - first < 6) micros = micros * 10 + d;
      q++;
    }
    const digits = q - first;
    if (digits < 1 || digits > 9) return -1;
    for (let i = digits; i < 6; i++) micros *= 10;
  }
  if (q >= end || b[q] !== QUOTE) return -1;
  // days from civil (Howard Hinnant), 1970-based, then moved to PostgreSQL's 2000 epoch
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  tsDays = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468 - EPOCH_2000_DAYS;
  tsSeconds = tsDays * 86_400 + hour * 3600 + minute * 60 + second;
  tsMicros = micros;
  return q + 1;
}

/** A quoted lower-case 8-4-4-4-12 uuid at `p`: returns the position after its closing quote, or -1. */
function lowerUuid(b: Uint8Array, p: number, end: number): number {
  if (b[p] !== QUOTE || p + 38 > end || b[p + 37] !== QUOTE) return -1;
  for (let i = 1; i <= 36; i++) {
    const c = b[p + i]!;
    if (i === 9 || i === 14 || i === 19 || i === 24) {
      if (c !== 0x2d) return -1;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) {
      return -1;
    }
  }
  return p + 38;
}

const PAYLOAD_KEYS = 9;
const ALL_PAYLOAD = (1 << PAYLOAD_KEYS) - 1;

/** The payload object at `p`: returns the position after it, or -1. `idStart` is object_id's first character. */
function payload(b: Uint8Array, p: number, end: number, out: ScannedTransaction, idStart: number): number {
  if (p >= end || b[p] !== 0x7b) return -1;
  p++;
  let seen = 0;
  for (;;) {
    p = key(b, p, end);
    if (p < 0) return -1;
    const ks = strStart;
    const length = keyEnd - ks;
    let bit: number;
    if (length === 12 && equals(b, ks, keyEnd, K_OPERATION_ID)) {
      bit = 1;
      if (lowerUuid(b, p, end) < 0) return -1;
      for (let i = 0; i < 36; i++) if (b[p + 1 + i] !== b[idStart + i]) return -1;
      p += 38;
    } else if (length === 19 && equals(b, ks, keyEnd, K_ACCOUNT_FROM)) {
      bit = 2;
      p = integer(b, p, end);
      out.accountFrom = intValue;
    } else if (length === 17 && equals(b, ks, keyEnd, K_ACCOUNT_TO)) {
      bit = 4;
      p = integer(b, p, end);
      out.accountTo = intValue;
    } else if (length === 13 && equals(b, ks, keyEnd, K_CURRENCY_CODE)) {
      bit = 8;
      p = integer(b, p, end);
      if (intValue < INT4_MIN || intValue > INT4_MAX) return -1;
      out.currencyCode = intValue;
    } else if (length === 7 && equals(b, ks, keyEnd, K_COUNTRY)) {
      bit = 16;
      const close = string(b, p, end);
      if (close <= strStart || close - strStart > MAX_TEXT_BYTES) return -1;
      out.countryStart = strStart;
      out.countryEnd = close;
      p = close + 1;
    } else if (length === 6 && equals(b, ks, keyEnd, K_STATUS)) {
      bit = 32;
      const close = string(b, p, end);
      if (close < 0) return -1;
      let status = -1;
      for (let i = 0; i < STATUS_BYTES.length; i++) if (equals(b, strStart, close, STATUS_BYTES[i]!)) status = i;
      if (status < 0) return -1;
      out.status = status;
      p = close + 1;
    } else if (length === 16 && equals(b, ks, keyEnd, K_TRANSACTION_TYPE)) {
      bit = 64;
      const close = string(b, p, end);
      if (close <= strStart || close - strStart > MAX_TEXT_BYTES) return -1;
      out.typeStart = strStart;
      out.typeEnd = close;
      out.typeIsAuthorisation = equals(b, strStart, close, AUTHORISATION);
      p = close + 1;
    } else if (length === 6 && equals(b, ks, keyEnd, K_AMOUNT)) {
      bit = 128;
      p = integer(b, p, end);
      out.amount = intValue;
    } else if (length === 14 && equals(b, ks, keyEnd, K_TRANSACTION_DT)) {
      bit = 256;
      p = timestamp(b, p, end);
      out.transactionDays = tsDays;
      out.transactionSeconds = tsSeconds;
      out.transactionMicros = tsMicros;
    } else {
      return -1;
    }
    if (p < 0 || seen & bit) return -1;
    seen |= bit;
    p = next(b, p, end);
    if (p === -1) return -1;
    if (p < -1) return seen === ALL_PAYLOAD ? -p - 1 : -1;
  }
}

/** Steps over a flat object of strings and integers (a payload before object_id); returns the position after it, or -1. */
function skipObject(b: Uint8Array, p: number, end: number): number {
  if (p >= end || b[p] !== 0x7b) return -1;
  p++;
  for (;;) {
    p = key(b, p, end);
    if (p < 0) return -1;
    p = b[p] === QUOTE ? string(b, p, end) + 1 : integer(b, p, end);
    if (p <= 0) return -1;
    p = next(b, p, end);
    if (p === -1) return -1;
    if (p < -1) return -p - 1;
  }
}

/** Fills `out` from the message in `b[start, end)` and returns true, or returns false: "not mine". */
export function scanTransaction(b: Uint8Array, start: number, end: number, out: ScannedTransaction): boolean {
  let p = ws(b, start, end);
  if (p >= end || b[p] !== 0x7b) return false;
  p++;
  let seen = 0;
  let idStart = -1;
  let payloadAt = -1;
  for (;;) {
    p = key(b, p, end);
    if (p < 0) return false;
    const ks = strStart;
    const length = keyEnd - ks;
    let bit: number;
    if (length === 9 && equals(b, ks, keyEnd, K_OBJECT_ID)) {
      bit = 1;
      idStart = p + 1;
      p = lowerUuid(b, p, end);
    } else if (length === 11 && equals(b, ks, keyEnd, K_OBJECT_TYPE)) {
      bit = 2;
      const close = string(b, p, end);
      if (close < 0 || !equals(b, strStart, close, TRANSACTION)) return false;
      p = close + 1;
    } else if (length === 9 && equals(b, ks, keyEnd, K_SENT_DTTM)) {
      bit = 4;
      p = timestamp(b, p, end);
      out.sentSeconds = tsSeconds;
      out.sentMicros = tsMicros;
    } else if (length === 7 && equals(b, ks, keyEnd, K_PAYLOAD)) {
      bit = 8;
      // the payload's checks need object_id: when it has not come yet, step over and scan the payload at the end
      if (idStart >= 0 && (seen & 1) !== 0) {
        p = payload(b, p, end, out, idStart);
      } else {
        payloadAt = p;
        p = skipObject(b, p, end);
      }
    } else {
      return false;
    }
    if (p < 0 || seen & bit) return false;
    seen |= bit;
    p = next(b, p, end);
    if (p === -1) return false;
    if (p < -1) {
      p = -p - 1;
      break;
    }
  }
  if (ws(b, p, end) !== end || seen !== 15) return false;
  out.idStart = idStart;
  return payloadAt < 0 || payload(b, payloadAt, end, out, idStart) >= 0;
}
