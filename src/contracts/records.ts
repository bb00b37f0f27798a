import type { CurrencyMessage, TransactionMessage } from './schema.js';
import type { CurrencyRecord, Reject, TransactionRecord, TransactionStatus } from './types.js';
import { reject } from './reject.js';

/**
 * Validated message → record. Shared by the fast path and the schema path, so
 * canonicalisation cannot differ between them. Ids (lower-cased) and
 * timestamps arrive already in canonical form: the validators computed them.
 */

export interface CanonicalTransactionParts {
  readonly objectId: string;
  readonly operationId: string;
  readonly sentDttm: string;
  readonly transactionDt: string;
}

export interface CanonicalCurrencyParts {
  readonly objectId: string;
  readonly sentDttm: string;
  /** Canonical timestamp of `date_update`. */
  readonly dateUpdate: string;
}

/** The SPEC spells it `authorisation`, the feed `authorization`: one stored value. */
function canonicalTransactionType(type: string): string {
  return type === 'authorisation' ? 'authorization' : type;
}

export function transactionRecord(message: TransactionMessage, parts: CanonicalTransactionParts): TransactionRecord | Reject {
  const payload = message.payload;
  const { objectId, operationId, sentDttm, transactionDt } = parts;
  if (objectId !== operationId) {
    // The envelope's id is the operation's id by contract; a message where they
    // differ cannot be keyed reliably, so it is quarantined rather than guessed.
    return reject('object_id_mismatch', 'payload.operation_id', `object_id ${objectId} differs from payload.operation_id ${operationId}`, transactionDt.slice(0, 10));
  }
  return {
    ok: true,
    kind: 'TRANSACTION',
    objectId,
    sentDttm,
    operationId,
    accountNumberFrom: payload.account_number_from,
    accountNumberTo: payload.account_number_to,
    currencyCode: payload.currency_code,
    country: payload.country,
    status: payload.status as TransactionStatus,
    transactionType: canonicalTransactionType(payload.transaction_type),
    amount: payload.amount,
    transactionDt,
    transactionDate: transactionDt.slice(0, 10),
  };
}

export function currencyRecord(message: CurrencyMessage, parts: CanonicalCurrencyParts): CurrencyRecord {
  const payload = message.payload;
  return {
    ok: true,
    kind: 'CURRENCY',
    objectId: parts.objectId,
    sentDttm: parts.sentDttm,
    dateUpdate: parts.dateUpdate.slice(0, 10),
    currencyCode: payload.currency_code,
    currencyCodeWith: payload.currency_code_with,
    currencyWithDiv: payload.currency_with_div,
  };
}
