/**
 * The typed result of parsing one Kafka message value of the feed (SPEC §2).
 * These shapes are the contract between the parser and every loader that
 * calls it; fields may be added, never renamed.
 */

export type TransactionStatus = 'queued' | 'in_progress' | 'blocked' | 'done' | 'chargeback';

export const TRANSACTION_STATUSES: readonly TransactionStatus[] = Object.freeze(['queued', 'in_progress', 'blocked', 'done', 'chargeback']);

/**
 * Stable reason codes of a reject, stored in `stg.rejects` and counted in
 * data quality. Each one is documented with an example in docs/feed-contract.md.
 */
export const REJECT_REASONS = Object.freeze([
  'null_value',
  'not_utf8',
  'not_json',
  'not_object',
  'unknown_object_type',
  'missing_field',
  'wrong_type',
  'bad_timestamp',
  'bad_uuid',
  'unknown_status',
  'amount_not_safe_integer',
  'rate_not_positive',
  'object_id_mismatch',
  'parser_error',
  'warehouse_refused',
] as const);

export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Reject {
  readonly ok: false;
  readonly reason: RejectReason;
  /** The offending field as a path, e.g. `payload.amount`; absent when the whole value is at fault. */
  readonly field?: string;
  readonly detail: string;
  /** best-effort business date YYYY-MM-DD recovered from the message, for data-quality per day */
  readonly eventDate?: string;
}

export interface TransactionRecord {
  readonly ok: true;
  readonly kind: 'TRANSACTION';
  /** Lower-cased UUID; equals `operationId`. */
  readonly objectId: string;
  /** Canonical UTC `YYYY-MM-DD HH:MM:SS.ffffff`. */
  readonly sentDttm: string;
  readonly operationId: string;
  readonly accountNumberFrom: number;
  readonly accountNumberTo: number;
  readonly currencyCode: number;
  readonly country: string;
  readonly status: TransactionStatus;
  /** `authorisation` is stored as `authorization`; unknown types are kept as sent. */
  readonly transactionType: string;
  /** Minor units, signed as sent. */
  readonly amount: number;
  /** Canonical UTC `YYYY-MM-DD HH:MM:SS.ffffff`. */
  readonly transactionDt: string;
  /** UTC date of `transactionDt`, `YYYY-MM-DD`. */
  readonly transactionDate: string;
}

export interface CurrencyRecord {
  readonly ok: true;
  readonly kind: 'CURRENCY';
  readonly objectId: string;
  readonly sentDttm: string;
  /** The date of `date_update`, `YYYY-MM-DD`. */
  readonly dateUpdate: string;
  readonly currencyCode: number;
  readonly currencyCodeWith: number;
  /** Units of `currencyCodeWith` per one unit of `currencyCode`; finite and > 0. */
  readonly currencyWithDiv: number;
}

export type ParseResult = TransactionRecord | CurrencyRecord | Reject;
