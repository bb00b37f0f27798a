import type { TransactionRecord } from '../contracts/types.js';

/** One landed Kafka record as the loader reads it from `raw.kafka_messages`. */
export interface LandedRecord {
  readonly topic: string;
  /** The landing's incarnation of the topic (raw.topic_incarnations): a recreated topic's offsets start again in a new one. */
  readonly incarnation: number;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** The record's Kafka timestamp exactly as landed (any int64 of ms). */
  readonly kafkaTimestampMs: bigint;
}

/** Where a stored version came from: the coordinates of the landed record (Kafka's, and the landing's incarnation of the topic). */
export interface Coordinates {
  readonly topic: string;
  readonly incarnation: number;
  readonly partition: number;
  readonly offset: number;
}

/** A row of `stg.transactions`, values in the contract's canonical text forms. */
export interface TransactionRow extends Coordinates {
  readonly operationId: string;
  readonly status: string;
  readonly objectId: string;
  readonly accountNumberFrom: number;
  readonly accountNumberTo: number;
  readonly currencyCode: number;
  readonly country: string;
  readonly transactionType: string;
  readonly amount: number;
  readonly transactionDt: string;
  readonly transactionDate: string;
  readonly sentDttm: string;
}

/** A row of `stg.currencies`. */
export interface CurrencyRow extends Coordinates {
  readonly dateUpdate: string;
  readonly currencyCode: number;
  readonly currencyCodeWith: number;
  /** Rounded to the column's 6 decimals, as stored. */
  readonly currencyWithDiv: number;
  readonly sentDttm: string;
}

/** A row of `stg.transaction_conflicts`. */
export interface ConflictRow {
  readonly operationId: string;
  readonly status: string;
  readonly transactionDate: string;
  readonly keptIncarnation: number;
  readonly keptPartition: number;
  readonly keptOffset: number;
  readonly otherIncarnation: number;
  readonly otherPartition: number;
  readonly otherOffset: number;
}

/** A row of `stg.rejects`. */
export interface RejectRow extends Coordinates {
  readonly reason: string;
  readonly field: string | null;
  readonly detail: string;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** null when outside years 0001–9999 (the detail then names the exact ms). */
  readonly kafkaTimestamp: Date | null;
  readonly eventDate: string;
}

export type TouchedKind = 'transactions' | 'currencies';

/** The outcome counts of one chunk; `read` must equal the sum of the four outcomes. */
export interface ChunkCounts {
  read: number;
  inserted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  /** Versions logged in stg.transaction_conflicts (a subset of updated + duplicates). */
  conflicts: number;
}

/** Adds one set of counts to another (a chunk's to a load's, a session's to a run's). */
export function addCounts(into: ChunkCounts, from: Readonly<ChunkCounts>): void {
  into.read += from.read;
  into.inserted += from.inserted;
  into.updated += from.updated;
  into.duplicates += from.duplicates;
  into.rejected += from.rejected;
  into.conflicts += from.conflicts;
}

export const transactionKey = (r: { operationId: string; status: string }): string => `${r.operationId}|${r.status}`;
export const currencyKey = (r: { dateUpdate: string; currencyCode: number; currencyCodeWith: number }): string =>
  `${r.dateUpdate}|${r.currencyCode}|${r.currencyCodeWith}`;

export function transactionRow(record: TransactionRecord, at: Coordinates): TransactionRow {
  return {
    operationId: record.operationId,
    status: record.status,
    objectId: record.objectId,
    accountNumberFrom: record.accountNumberFrom,
    accountNumberTo: record.accountNumberTo,
    currencyCode: record.currencyCode,
    country: record.country,
    transactionType: record.transactionType,
    amount: record.amount,
    transactionDt: record.transactionDt,
    transactionDate: record.transactionDate,
    sentDttm: record.sentDttm,
    topic: at.topic,
    incarnation: at.incarnation,
    partition: at.partition,
    offset: at.offset,
  };
}
