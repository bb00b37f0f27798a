import type { CurrencyMessage, TransactionMessage } from './schema.js';
import type { ParseResult, RejectReason } from './types.js';
import { currencyRecord, transactionRecord } from './records.js';
import { eventDateOfValue, excerpt, jsonTypeOf, reject } from './reject.js';
import { canonicalDateOrTimestamp, canonicalTimestamp } from './timestamp.js';

/**
 * The production validator: the checks of `schema.ts`, written by hand in the
 * same order (zod reports the first failing key of the shape, so do we). It
 * runs once per landed record in the STG load, where the generic zod path
 * costs several times more (see bench/contracts). Agreement with the schema
 * is a property test (`test/contracts/fast-path.test.ts`), not a hope.
 */

type Fields = Record<string, unknown>;

/** A failed check: reason and field, before the detail and event date are attached. */
class Failure {
  constructor(
    readonly reason: RejectReason,
    readonly field: string,
    readonly detail: string,
  ) {}
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function absentOrWrong(value: unknown, field: string, expected: string): Failure {
  return value === undefined
    ? new Failure('missing_field', field, `${field} is missing`)
    : new Failure('wrong_type', field, `${field} must be ${expected}, got ${jsonTypeOf(value)} ${excerpt(value)}`);
}

/** 1 for each lower-case hex digit, 2 for an upper-case one, 0 otherwise. */
const HEX = new Uint8Array(128);
for (const digit of '0123456789abcdef') HEX[digit.charCodeAt(0)] = 1;
for (const digit of 'ABCDEF') HEX[digit.charCodeAt(0)] = 2;

/**
 * Lenient 8-4-4-4-12 hex, any version (the feed's rate ids are v5, operation
 * ids v4), lower-cased; the copy is made only when an upper-case digit is seen.
 */
function lowerGuid(text: string): string | undefined {
  if (text.length !== 36 || text.charCodeAt(8) !== 45 || text.charCodeAt(13) !== 45 || text.charCodeAt(18) !== 45 || text.charCodeAt(23) !== 45) return undefined;
  let seen = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const c = text.charCodeAt(i);
    const kind = c < 128 ? HEX[c]! : 0;
    if (kind === 0) return undefined;
    seen |= kind;
  }
  return seen & 2 ? text.toLowerCase() : text;
}

function uuid(fields: Fields, key: string, field: string): string | Failure {
  const value = fields[key];
  if (typeof value !== 'string') return absentOrWrong(value, field, 'a UUID string');
  return lowerGuid(value) ?? new Failure('bad_uuid', field, `${field} is not a UUID: ${excerpt(value)}`);
}

function timestamp(fields: Fields, key: string, field: string, dateAllowed: boolean): string | Failure {
  const value = fields[key];
  if (typeof value !== 'string') return absentOrWrong(value, field, 'a timestamp string');
  const canonical = dateAllowed ? canonicalDateOrTimestamp(value) : canonicalTimestamp(value);
  return canonical ?? new Failure('bad_timestamp', field, `${field} is not a valid timestamp: ${excerpt(value)}`);
}

function integer(fields: Fields, key: string, field: string): Failure | undefined {
  const value = fields[key];
  if (Number.isSafeInteger(value)) return undefined;
  return absentOrWrong(value, field, 'a safe integer');
}

function nonEmptyString(fields: Fields, key: string, field: string): Failure | undefined {
  const value = fields[key];
  if (typeof value !== 'string') return absentOrWrong(value, field, 'a string');
  return value.length === 0 ? new Failure('missing_field', field, `${field} is empty`) : undefined;
}

function isStatus(value: string): boolean {
  return value === 'done' || value === 'queued' || value === 'in_progress' || value === 'chargeback' || value === 'blocked';
}

interface TransactionChecked {
  readonly operationId: string;
  readonly transactionDt: string;
}

function checkTransactionPayload(payload: Fields, objectIdText: unknown, objectId: string): TransactionChecked | Failure {
  // In the feed operation_id is the same text as object_id, already checked.
  const operationId = payload.operation_id === objectIdText ? objectId : uuid(payload, 'operation_id', 'payload.operation_id');
  if (operationId instanceof Failure) return operationId;
  const failure =
    integer(payload, 'account_number_from', 'payload.account_number_from') ??
    integer(payload, 'account_number_to', 'payload.account_number_to') ??
    integer(payload, 'currency_code', 'payload.currency_code') ??
    nonEmptyString(payload, 'country', 'payload.country');
  if (failure) return failure;
  const status = payload.status;
  if (typeof status !== 'string') return absentOrWrong(status, 'payload.status', 'a string');
  if (!isStatus(status)) return new Failure('unknown_status', 'payload.status', `payload.status ${excerpt(status)} is not one of queued, in_progress, blocked, done, chargeback`);
  const typeFailure = nonEmptyString(payload, 'transaction_type', 'payload.transaction_type');
  if (typeFailure) return typeFailure;
  const amount = payload.amount;
  if (!Number.isSafeInteger(amount)) {
    return typeof amount === 'number'
      ? new Failure('amount_not_safe_integer', 'payload.amount', `payload.amount ${excerpt(amount)} is not a safe integer of minor units`)
      : absentOrWrong(amount, 'payload.amount', 'an integer');
  }
  const transactionDt = timestamp(payload, 'transaction_dt', 'payload.transaction_dt', false);
  return transactionDt instanceof Failure ? transactionDt : { operationId, transactionDt };
}

function checkCurrencyPayload(payload: Fields): string | Failure {
  const dateUpdate = timestamp(payload, 'date_update', 'payload.date_update', true);
  if (dateUpdate instanceof Failure) return dateUpdate;
  const failure = integer(payload, 'currency_code', 'payload.currency_code') ?? integer(payload, 'currency_code_with', 'payload.currency_code_with');
  if (failure) return failure;
  const rate = payload.currency_with_div;
  if (typeof rate !== 'number') return absentOrWrong(rate, 'payload.currency_with_div', 'a number');
  if (!(Number.isFinite(rate) && rate > 0)) {
    return new Failure('rate_not_positive', 'payload.currency_with_div', `payload.currency_with_div ${excerpt(rate)} is not a positive number`);
  }
  return dateUpdate;
}

function fail(failure: Failure, value: unknown): ParseResult {
  return reject(failure.reason, failure.field, failure.detail, eventDateOfValue(value));
}

/** Validates a decoded JSON value against the feed contract; never throws. */
export function parseFeedValue(value: unknown): ParseResult {
  if (!isObject(value)) return reject('not_object', undefined, `expected a JSON object, got ${jsonTypeOf(value)}`, undefined);
  const objectType = value.object_type;
  if (objectType !== 'TRANSACTION' && objectType !== 'CURRENCY') {
    if (typeof objectType !== 'string') return fail(absentOrWrong(objectType, 'object_type', 'a string'), value);
    return fail(new Failure('unknown_object_type', 'object_type', `object_type ${excerpt(objectType)} is neither TRANSACTION nor CURRENCY`), value);
  }
  const objectId = uuid(value, 'object_id', 'object_id');
  if (objectId instanceof Failure) return fail(objectId, value);
  const sentDttm = timestamp(value, 'sent_dttm', 'sent_dttm', false);
  if (sentDttm instanceof Failure) return fail(sentDttm, value);
  const payload = value.payload;
  if (!isObject(payload)) return fail(absentOrWrong(payload, 'payload', 'an object'), value);

  if (objectType === 'TRANSACTION') {
    const checked = checkTransactionPayload(payload, value.object_id, objectId);
    if (checked instanceof Failure) return fail(checked, value);
    return transactionRecord(value as unknown as TransactionMessage, { objectId, operationId: checked.operationId, sentDttm, transactionDt: checked.transactionDt });
  }
  const dateUpdate = checkCurrencyPayload(payload);
  if (dateUpdate instanceof Failure) return fail(dateUpdate, value);
  return currencyRecord(value as unknown as CurrencyMessage, { objectId, sentDttm, dateUpdate });
}
