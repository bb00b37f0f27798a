import type { z } from 'zod';
import { MessageSchema } from './schema.js';
import type { ParseResult, RejectReason } from './types.js';
import { currencyRecord, transactionRecord } from './records.js';
import { eventDateOfValue, excerpt, reject } from './reject.js';
import { canonicalDateOrTimestamp, canonicalTimestamp } from './timestamp.js';

/**
 * The reference parser: zod's generic path over `MessageSchema`, with the
 * first issue turned into a reject reason. Used by tests and benchmarks as the
 * yardstick of `fast-parse.ts`; production calls the fast path.
 */

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function reasonOf(issue: z.core.$ZodIssue, field: string, input: unknown): RejectReason {
  if (input === undefined) return 'missing_field';
  const declared = (issue as { params?: { reason?: RejectReason } }).params?.reason;
  if (declared) return declared;
  if (field === 'object_type') return typeof input === 'string' ? 'unknown_object_type' : 'wrong_type';
  if (issue.code === 'invalid_format' && issue.format === 'guid') return 'bad_uuid';
  if (field === 'payload.status' && typeof input === 'string') return 'unknown_status';
  if (field === 'payload.amount' && typeof input === 'number') return 'amount_not_safe_integer';
  if (field === 'payload.currency_with_div' && typeof input === 'number') return 'rate_not_positive';
  if (issue.code === 'too_small' && issue.origin === 'string') return 'missing_field';
  return 'wrong_type';
}

export function parseFeedValueWithSchema(value: unknown): ParseResult {
  const result = MessageSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.path.length === 0) return reject('not_object', undefined, `expected a JSON object: ${issue.message}`, undefined);
    const field = issue.path.join('.');
    const input = valueAt(value, issue.path);
    return reject(reasonOf(issue, field, input), field, `${field}: ${issue.message} (${excerpt(input)})`, eventDateOfValue(value));
  }
  const message = result.data;
  const objectId = message.object_id.toLowerCase();
  const sentDttm = canonicalTimestamp(message.sent_dttm)!;
  if (message.object_type === 'TRANSACTION') {
    const transactionDt = canonicalTimestamp(message.payload.transaction_dt)!;
    return transactionRecord(message, { objectId, operationId: message.payload.operation_id.toLowerCase(), sentDttm, transactionDt });
  }
  return currencyRecord(message, { objectId, sentDttm, dateUpdate: canonicalDateOrTimestamp(message.payload.date_update)! });
}
