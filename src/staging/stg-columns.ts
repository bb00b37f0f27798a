import type { CopyColumn } from '../warehouse/index.js';
import type { ConflictRow, CurrencyRow, RejectRow, TransactionRow } from './types.js';

/**
 * Column lists and row encoders of the STG tables the loader bulk-loads.
 * Types let PostgreSQL use COPY BINARY and Vertica read bytes as hex.
 */

/**
 * Longest country and transaction_type, in bytes of UTF-8: Vertica's
 * varchar(64) counts bytes. PostgreSQL's text would take more; STG holds the
 * same records in both dialects.
 */
export const MAX_TEXT_BYTES = 64;

export const TRANSACTION_COLUMNS: readonly CopyColumn[] = [
  { name: 'operation_id', type: 'uuid' },
  { name: 'status', type: 'text' },
  { name: 'object_id', type: 'uuid' },
  { name: 'account_number_from', type: 'int8' },
  { name: 'account_number_to', type: 'int8' },
  { name: 'currency_code', type: 'int4' },
  { name: 'country', type: 'text' },
  { name: 'transaction_type', type: 'text' },
  { name: 'amount', type: 'int8' },
  { name: 'transaction_dt', type: 'timestamp' },
  { name: 'transaction_date', type: 'date' },
  { name: 'sent_dttm', type: 'timestamp' },
  { name: 'src_topic', type: 'text' },
  { name: 'src_partition', type: 'int4' },
  { name: 'src_offset', type: 'int8' },
  // added with topic incarnations (last, like the column itself)
  { name: 'src_incarnation', type: 'int4' },
];

export const transactionValues = (r: TransactionRow): unknown[] => [
  r.operationId, r.status, r.objectId, r.accountNumberFrom, r.accountNumberTo, r.currencyCode, r.country,
  r.transactionType, r.amount, r.transactionDt, r.transactionDate, r.sentDttm, r.topic, r.partition, r.offset, r.incarnation,
];

export const CURRENCY_COLUMNS: readonly CopyColumn[] = [
  { name: 'date_update', type: 'date' },
  { name: 'currency_code', type: 'int4' },
  { name: 'currency_code_with', type: 'int4' },
  { name: 'currency_with_div', type: 'numeric' },
  { name: 'sent_dttm', type: 'timestamp' },
  { name: 'src_topic', type: 'text' },
  { name: 'src_partition', type: 'int4' },
  { name: 'src_offset', type: 'int8' },
  { name: 'src_incarnation', type: 'int4' },
];

export const currencyValues = (r: CurrencyRow): unknown[] => [
  r.dateUpdate, r.currencyCode, r.currencyCodeWith, r.currencyWithDiv.toFixed(6), r.sentDttm, r.topic, r.partition, r.offset, r.incarnation,
];

export const CONFLICT_COLUMNS: readonly CopyColumn[] = [
  { name: 'operation_id', type: 'uuid' },
  { name: 'status', type: 'text' },
  { name: 'transaction_date', type: 'date' },
  { name: 'kept_partition', type: 'int4' },
  { name: 'kept_offset', type: 'int8' },
  { name: 'other_partition', type: 'int4' },
  { name: 'other_offset', type: 'int8' },
  { name: 'kept_incarnation', type: 'int4' },
  { name: 'other_incarnation', type: 'int4' },
];

export const conflictValues = (r: ConflictRow): unknown[] => [
  r.operationId, r.status, r.transactionDate, r.keptPartition, r.keptOffset, r.otherPartition, r.otherOffset, r.keptIncarnation, r.otherIncarnation,
];

export const REJECT_COLUMNS: readonly CopyColumn[] = [
  { name: 'src_topic', type: 'text' },
  { name: 'src_partition', type: 'int4' },
  { name: 'src_offset', type: 'int8' },
  { name: 'reason', type: 'text' },
  { name: 'field', type: 'text' },
  { name: 'detail', type: 'text' },
  { name: 'key', type: 'bytea' },
  { name: 'value', type: 'bytea' },
  { name: 'kafka_timestamp', type: 'timestamptz' },
  { name: 'event_date', type: 'date' },
  { name: 'src_incarnation', type: 'int4' },
];

export const rejectValues = (r: RejectRow): unknown[] => [
  r.topic, r.partition, r.offset, r.reason, r.field, r.detail, r.key, r.value, r.kafkaTimestamp, r.eventDate, r.incarnation,
];

export const TRANSACTION_KEY_COLUMNS: readonly CopyColumn[] = [
  { name: 'operation_id', type: 'uuid' },
  { name: 'status', type: 'text' },
];

export const CURRENCY_KEY_COLUMNS: readonly CopyColumn[] = [
  { name: 'date_update', type: 'date' },
  { name: 'currency_code', type: 'int4' },
  { name: 'currency_code_with', type: 'int4' },
];
