// the parser's own modules, not the contracts index: a parse worker starts without loading zod (the schema path)
import { parseMessage } from '../contracts/parse-message.js';
import { reject } from '../contracts/reject.js';
import { hasLoneSurrogate } from '../contracts/storable-text.js';
import type { CurrencyRecord, Reject, TransactionRecord } from '../contracts/types.js';
import { MAX_TEXT_BYTES } from './stg-columns.js';
import type { LandedPartition } from '../landing/index.js';
import type { Coordinates, CurrencyRow, LandedRecord, RejectRow, TransactionRow } from './types.js';
import { transactionRow } from './types.js';

/**
 * Turns landed records into the rows of one chunk, in offset order: each
 * record is parsed by the contract parser and becomes a transaction, a rate
 * or a reject (with its exact bytes); nothing is dropped.
 */

export interface ParsedChunk {
  readonly topic: string;
  readonly incarnation: number;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** Records handed to the parser (the reconciliation's left-hand side). */
  readonly read: number;
  readonly transactions: readonly TransactionRow[];
  readonly currencies: readonly CurrencyRow[];
  readonly rejects: readonly RejectRow[];
}

const isInt4 = (n: number): boolean => n >= -(2 ** 31) && n < 2 ** 31;
/** numeric(20,6) holds less than 10^14. */
const RATE_LIMIT = 1e14;

/**
 * Why a text the contract accepts cannot be an STG text value, or undefined:
 * PostgreSQL refuses NUL; a lone surrogate has no UTF-8 form (it would be
 * stored as U+FFFD, silently another value); Vertica's column counts bytes.
 */
function unstorableText(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character, which the warehouse cannot store';
  if (hasLoneSurrogate(value)) return 'contains a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair), which is not text';
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes > MAX_TEXT_BYTES ? `is ${bytes} bytes of UTF-8, more than the ${MAX_TEXT_BYTES} STG holds` : undefined;
}

/**
 * A record the contract accepts but STG's columns cannot hold (a currency
 * code beyond integer, a rate beyond numeric(20,6) or rounding to 0 there, a text no warehouse
 * column takes): quarantined like any bad record, instead of failing the
 * chunk's COPY on every rerun.
 */
function unstorable(record: TransactionRecord | CurrencyRecord): Reject | undefined {
  if (record.kind === 'TRANSACTION') {
    const day = record.transactionDate;
    if (!isInt4(record.currencyCode)) return reject('wrong_type', 'payload.currency_code', `payload.currency_code ${record.currencyCode} does not fit STG's integer column`, day);
    const country = unstorableText(record.country);
    if (country) return reject('wrong_type', 'payload.country', `payload.country ${country}`, day);
    const type = unstorableText(record.transactionType);
    if (type) return reject('wrong_type', 'payload.transaction_type', `payload.transaction_type ${type}`, day);
    return undefined;
  }
  const day = record.dateUpdate;
  if (!isInt4(record.currencyCode)) return reject('wrong_type', 'payload.currency_code', `payload.currency_code ${record.currencyCode} does not fit STG's integer column`, day);
  if (!isInt4(record.currencyCodeWith)) return reject('wrong_type', 'payload.currency_code_with', `payload.currency_code_with ${record.currencyCodeWith} does not fit STG's integer column`, day);
  const rate = roundRate(record.currencyWithDiv);
  // a positive rate below 0.0000005 would be stored as 0.000000, which every reader takes for no rate
  if (rate >= RATE_LIMIT || rate === 0) return reject('wrong_type', 'payload.currency_with_div', `payload.currency_with_div ${record.currencyWithDiv} ${rate === 0 ? 'rounds to 0 in' : 'does not fit'} STG's numeric(20,6) column`, day);
  return undefined;
}

/**
 * The day a reject without a business date of its own is counted on: its
 * Kafka timestamp's UTC date (the landing hands over only timestamps of years
 * 1–9999, see landed-copy.ts), else 1970-01-01, Kafka's epoch, the day a
 * record without a usable timestamp is dated by convention.
 */
export function fallbackEventDate(kafkaTimestamp: Date | null): string {
  return kafkaTimestamp === null ? '1970-01-01' : kafkaTimestamp.toISOString().slice(0, 10);
}

/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in ms: the contract's years, which both warehouses' timestamps hold. */
const CONTRACT_MIN_MS = -62_135_596_800_000n;
const CONTRACT_END_MS = 253_402_300_800_000n;

/**
 * A Kafka timestamp (any int64 of ms, as landed in kafka_timestamp_ms) as
 * STG stores it: the instant when it falls in years 0001–9999, else null —
 * the exact milliseconds then go into the reject's detail, so nothing is lost.
 */
export function kafkaTimestampForStg(ms: bigint): Date | null {
  return ms >= CONTRACT_MIN_MS && ms < CONTRACT_END_MS ? new Date(Number(ms)) : null;
}

/** Collects parsed records of one chunk, in offset order; nothing is dropped. */
export class ChunkBuilder {
  readonly transactions: TransactionRow[] = [];
  readonly currencies: CurrencyRow[] = [];
  readonly rejects: RejectRow[] = [];
  #read = 0;
  #first = -1;
  #last = -1;

  /**
   * @param at the (topic, incarnation, partition) the records were landed in
   * @param onTransaction where accepted transactions go (default: the `transactions` array)
   */
  constructor(
    readonly at: LandedPartition,
    private readonly onTransaction?: (row: TransactionRow) => void,
  ) {}

  /** Counts a record that was parsed elsewhere (the byte-level fast path) without handing it to the parser. */
  count(offset: number): void {
    if (this.#read === 0) this.#first = offset;
    this.#last = offset;
    this.#read += 1;
  }

  /**
   * Parses one landed record with the contract parser and keeps the row;
   * returns the reject instead when it fails, for `reject` to store with the
   * record's raw bytes (read only for rejects).
   */
  add(offset: number, value: Uint8Array | null): Reject | undefined {
    this.count(offset);
    const result = parseMessage(value);
    if (!result.ok) return result;
    const unfit = unstorable(result);
    if (unfit) return unfit;
    const at: Coordinates = { topic: this.at.topic, incarnation: this.at.incarnation, partition: this.at.partition, offset };
    if (result.kind === 'TRANSACTION') {
      const row = transactionRow(result, at);
      if (this.onTransaction) this.onTransaction(row);
      else this.transactions.push(row);
    } else {
      this.currencies.push({
        dateUpdate: result.dateUpdate,
        currencyCode: result.currencyCode,
        currencyCodeWith: result.currencyCodeWith,
        currencyWithDiv: roundRate(result.currencyWithDiv),
        sentDttm: result.sentDttm,
        ...at,
      });
    }
    return undefined;
  }

  /** Quarantines a record `add` refused, with its exact bytes and Kafka coordinates. */
  reject(offset: number, result: Reject, key: Uint8Array | null, value: Uint8Array | null, kafkaTimestampMs: bigint): void {
    const kafkaTimestamp = kafkaTimestampForStg(kafkaTimestampMs);
    this.rejects.push({
      topic: this.at.topic,
      incarnation: this.at.incarnation,
      partition: this.at.partition,
      offset,
      reason: result.reason,
      field: result.field ?? null,
      detail: kafkaTimestamp ? result.detail : `${result.detail} (Kafka timestamp ${kafkaTimestampMs} ms, outside years 0001-9999)`,
      key,
      value,
      kafkaTimestamp,
      eventDate: result.eventDate ?? fallbackEventDate(kafkaTimestamp),
    });
  }

  result(): ParsedChunk {
    return {
      topic: this.at.topic,
      incarnation: this.at.incarnation,
      partition: this.#read === 0 ? -1 : this.at.partition,
      firstOffset: this.#first,
      lastOffset: this.#last,
      read: this.#read,
      transactions: this.transactions,
      currencies: this.currencies,
      rejects: this.rejects,
    };
  }
}

/** Parses every record of a chunk with the contract parser; nothing is dropped. */
export function parseChunk(records: readonly LandedRecord[]): ParsedChunk {
  const first = records[0];
  const builder = new ChunkBuilder({ topic: first?.topic ?? '', incarnation: first?.incarnation ?? 0, partition: first?.partition ?? -1 });
  for (const record of records) {
    const refused = builder.add(record.offset, record.value);
    if (refused) builder.reject(record.offset, refused, record.key, record.value, record.kafkaTimestampMs);
  }
  return builder.result();
}

/** `numeric(20,6)`: what the column stores, so stored and incoming rates compare equal. */
export function roundRate(rate: number): number {
  return Math.round(rate * 1e6) / 1e6;
}
