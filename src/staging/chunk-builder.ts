// the parser's own modules, not the contracts index: a parse worker starts without loading zod (the schema path)
import { parseMessage } from '../contracts/parse-message.js';
import type { CurrencyRecord, Reject, TransactionRecord } from '../contracts/types.js';
import type { Coordinates, CurrencyRow, LandedRecord, RejectRow, TransactionRow } from './types.js';
import { transactionRow } from './types.js';

/**
 * Turns landed records into the rows of one chunk, in offset order: each
 * record is parsed by the contract parser and becomes a transaction, a rate
 * or a reject (with its exact bytes); nothing is dropped.
 */

export interface ParsedChunk {
  readonly topic: string;
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

function unfit(field: string, detail: string, eventDate: string): Reject {
  return { ok: false, reason: 'wrong_type', field, detail, eventDate };
}

/**
 * A record the contract accepts but STG's columns cannot hold (a currency
 * code beyond integer, a rate beyond numeric(20,6), a NUL character in a
 * text): quarantined like any bad record, instead of failing the chunk's
 * COPY on every rerun.
 */
function unstorable(record: TransactionRecord | CurrencyRecord): Reject | undefined {
  if (record.kind === 'TRANSACTION') {
    const day = record.transactionDate;
    if (!isInt4(record.currencyCode)) return unfit('payload.currency_code', `payload.currency_code ${record.currencyCode} does not fit STG's integer column`, day);
    if (record.country.includes('\u0000')) return unfit('payload.country', 'payload.country contains a NUL character, which the warehouse cannot store', day);
    if (record.transactionType.includes('\u0000')) return unfit('payload.transaction_type', 'payload.transaction_type contains a NUL character, which the warehouse cannot store', day);
    return undefined;
  }
  const day = record.dateUpdate;
  if (!isInt4(record.currencyCode)) return unfit('payload.currency_code', `payload.currency_code ${record.currencyCode} does not fit STG's integer column`, day);
  if (!isInt4(record.currencyCodeWith)) return unfit('payload.currency_code_with', `payload.currency_code_with ${record.currencyCodeWith} does not fit STG's integer column`, day);
  if (roundRate(record.currencyWithDiv) >= RATE_LIMIT) return unfit('payload.currency_with_div', `payload.currency_with_div ${record.currencyWithDiv} does not fit STG's numeric(20,6) column`, day);
  return undefined;
}

const utcDate = (at: Date): string => at.toISOString().slice(0, 10);

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

  /** @param onTransaction where accepted transactions go (default: the `transactions` array). */
  constructor(
    readonly topic: string,
    readonly partition: number,
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
    const at: Coordinates = { topic: this.topic, partition: this.partition, offset };
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
        topic: this.topic,
        partition: this.partition,
        offset,
      });
    }
    return undefined;
  }

  /** Quarantines a record `add` refused, with its exact bytes and Kafka coordinates. */
  reject(offset: number, result: Reject, key: Uint8Array | null, value: Uint8Array | null, kafkaTimestampMs: bigint): void {
    const kafkaTimestamp = kafkaTimestampForStg(kafkaTimestampMs);
    this.rejects.push({
      topic: this.topic,
      partition: this.partition,
      offset,
      reason: result.reason,
      field: result.field ?? null,
      detail: kafkaTimestamp ? result.detail : `${result.detail} (Kafka timestamp ${kafkaTimestampMs} ms, outside years 0001-9999)`,
      key,
      value,
      kafkaTimestamp,
      // no business date and no usable Kafka timestamp: the day it was loaded
      eventDate: result.eventDate ?? utcDate(kafkaTimestamp ?? new Date()),
    });
  }

  result(): ParsedChunk {
    return {
      topic: this.topic,
      partition: this.#read === 0 ? -1 : this.partition,
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
  const builder = new ChunkBuilder(first?.topic ?? '', first?.partition ?? -1);
  for (const record of records) {
    const refused = builder.add(record.offset, record.value);
    if (refused) builder.reject(record.offset, refused, record.key, record.value, BigInt(record.kafkaTimestamp.getTime()));
  }
  return builder.result();
}

/** `numeric(20,6)`: what the column stores, so stored and incoming rates compare equal. */
export function roundRate(rate: number): number {
  return Math.round(rate * 1e6) / 1e6;
}
