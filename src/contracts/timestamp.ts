/**
 * Timestamps of the feed → canonical fixed-width UTC text
 * `YYYY-MM-DD HH:MM:SS.ffffff`: both PostgreSQL and Vertica read it as a
 * timestamp literal, and it sorts lexicographically in time order.
 *
 * Accepted: `YYYY-MM-DD[T ]HH:MM:SS` with an optional fraction of 1–9 digits
 * (truncated to microseconds) and an optional zone `Z` or `±HH:MM` (converted
 * to UTC; without a zone the text is UTC by contract). Impossible calendar
 * values (Feb 30, month 13, hour 24, second 60) are refused.
 * Hand-written over char codes: it runs twice per message in the STG hot path.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ZEROS = '000000';

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** The number written by `count` ASCII digits at `from`, or -1. */
function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `YYYY-MM-DD` when the text starts with a real calendar date, else undefined. */
function validDatePrefix(text: string): boolean {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Canonical UTC timestamp of `text`, or undefined when it is not a valid timestamp. */
export function canonicalTimestamp(text: string): string | undefined {
  const length = text.length;
  if (length < 19 || !validDatePrefix(text)) return undefined;
  const separator = text.charCodeAt(10);
  if ((separator !== 32 && separator !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;

  let position = 19;
  let fraction = ZEROS;
  if (position < length && text.charCodeAt(position) === 46) {
    let end = position + 1;
    while (end < length && end - position <= 9 && digitsAt(text, end, 1) >= 0) end++;
    const digits = end - position - 1;
    if (digits === 0 || digits > 9) return undefined;
    fraction = digits >= 6 ? text.slice(position + 1, position + 7) : text.slice(position + 1, end) + ZEROS.slice(digits);
    position = end;
  }

  let offsetMinutes = 0;
  if (position < length) {
    const zone = text.charCodeAt(position);
    if (zone === 90 && position + 1 === length) {
      offsetMinutes = 0;
    } else if ((zone === 43 || zone === 45) && position + 6 === length && text.charCodeAt(position + 3) === 58) {
      const hours = digitsAt(text, position + 1, 2);
      const minutes = digitsAt(text, position + 4, 2);
      if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
      offsetMinutes = (zone === 43 ? 1 : -1) * (hours * 60 + minutes);
    } else {
      return undefined;
    }
  }

  if (offsetMinutes === 0) {
    if (length === 26 && separator === 32) return text;
    return `${text.slice(0, 10)} ${text.slice(11, 19)}.${fraction}`;
  }
  const utc = new Date(0);
  utc.setUTCFullYear(digitsAt(text, 0, 4), digitsAt(text, 5, 2) - 1, digitsAt(text, 8, 2));
  utc.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const year = utc.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  return `${pad(year, 4)}-${pad(utc.getUTCMonth() + 1, 2)}-${pad(utc.getUTCDate(), 2)} ${pad(utc.getUTCHours(), 2)}:${pad(utc.getUTCMinutes(), 2)}:${pad(utc.getUTCSeconds(), 2)}.${fraction}`;
}

/**
 * Like canonicalTimestamp, but a bare date `YYYY-MM-DD` is also accepted (as
 * midnight UTC): `date_update` is a date, and CSV exports carry only the date.
 */
export function canonicalDateOrTimestamp(text: string): string | undefined {
  if (text.length === 10) return validDatePrefix(text) ? `${text} 00:00:00.${ZEROS}` : undefined;
  return canonicalTimestamp(text);
}

/** `YYYY-MM-DD` of a canonical timestamp. */
export function dateOf(canonical: string): string {
  return canonical.slice(0, 10);
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(text: string): boolean {
  return text.length === 10 && validDatePrefix(text);
}
