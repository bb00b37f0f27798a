import { roundRate } from './chunk-builder.js';
import type { ConflictRow, CurrencyRow, TransactionRow } from './types.js';

/**
 * STG rows as the lookups stg_select_*.sql (sql/models/stg/, sql/<dialect>/)
 * return them (the contract's canonical text forms), turned back into the
 * planner's rows so stored and incoming versions compare field by field.
 */

type Row = Record<string, unknown>;

export const toTransaction = (r: Row): TransactionRow => ({
  operationId: String(r.operation_id),
  status: String(r.status),
  objectId: String(r.object_id),
  accountNumberFrom: Number(r.account_number_from),
  accountNumberTo: Number(r.account_number_to),
  currencyCode: Number(r.currency_code),
  country: String(r.country),
  transactionType: String(r.transaction_type),
  amount: Number(r.amount),
  transactionDt: String(r.transaction_dt),
  transactionDate: String(r.transaction_date),
  sentDttm: String(r.sent_dttm),
  topic: String(r.src_topic),
  incarnation: Number(r.src_incarnation),
  partition: Number(r.src_partition),
  offset: Number(r.src_offset),
});

export const toCurrency = (r: Row): CurrencyRow => ({
  dateUpdate: String(r.date_update),
  currencyCode: Number(r.currency_code),
  currencyCodeWith: Number(r.currency_code_with),
  currencyWithDiv: roundRate(Number(r.currency_with_div)),
  sentDttm: String(r.sent_dttm),
  topic: String(r.src_topic),
  incarnation: Number(r.src_incarnation),
  partition: Number(r.src_partition),
  offset: Number(r.src_offset),
});

export const toConflict = (r: Row): ConflictRow => ({
  operationId: String(r.operation_id),
  status: String(r.status),
  transactionDate: String(r.transaction_date),
  keptIncarnation: Number(r.kept_incarnation),
  keptPartition: Number(r.kept_partition),
  keptOffset: Number(r.kept_offset),
  otherIncarnation: Number(r.other_incarnation),
  otherPartition: Number(r.other_partition),
  otherOffset: Number(r.other_offset),
});
