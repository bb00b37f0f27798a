import type { Reject, RejectReason } from './types.js';
import { storableText } from './storable-text.js';
import { canonicalDateOrTimestamp, isCalendarDate } from './timestamp.js';

/**
 * Every reject is made here, so every detail is storable whatever it quotes
 * (the one place details are sanitised: storable-text.ts).
 */
export function reject(reason: RejectReason, field: string | undefined, detail: string, eventDate: string | undefined): Reject {
  const result: { ok: false; reason: RejectReason; field?: string; detail: string; eventDate?: string } = { ok: false, reason, detail: storableText(detail) };
  if (field !== undefined) result.field = field;
  if (eventDate !== undefined) result.eventDate = eventDate;
  return result;
}

/** JSON type name of a value, for reject details. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A short, printable excerpt of an offending value. */
export function excerpt(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function dateOfField(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return canonicalDateOrTimestamp(value)?.slice(0, 10);
}

/**
 * Best-effort business date of a rejected message, so data quality can count
 * rejects per day: the event time of the payload (`transaction_dt`,
 * `date_update`), else the envelope's `sent_dttm`.
 */
export function eventDateOfValue(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const envelope = value as Record<string, unknown>;
  const payload = envelope.payload;
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
    const fields = payload as Record<string, unknown>;
    const date = dateOfField(fields.transaction_dt) ?? dateOfField(fields.date_update);
    if (date !== undefined) return date;
  }
  return dateOfField(envelope.sent_dttm);
}

const DATE_IN_TEXT = /"(transaction_dt|date_update|sent_dttm)"\s*:\s*"(\d{4}-\d{2}-\d{2})/g;

/** Same, from text that is not JSON: the first date written after one of those keys. */
export function eventDateOfText(text: string): string | undefined {
  let fallback: string | undefined;
  for (const match of text.slice(0, 4096).matchAll(DATE_IN_TEXT)) {
    const date = match[2]!;
    if (!isCalendarDate(date)) continue;
    if (match[1] !== 'sent_dttm') return date;
    fallback ??= date;
  }
  return fallback;
}
