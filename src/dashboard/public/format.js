// Numbers and times for people: thousands separators, USD, ISO dates, UTC times.

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const USD_COMPACT = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const MINUS = '\u2212';

/** `$1,234,567.89`; `—` for an unknown amount (no USD rate), never `$0.00`. */
export function usd(value) {
  return value === null || value === undefined ? '—' : USD.format(value).replace('-', MINUS);
}

/** `+$1,234.56` / `−$1,234.56`: a change. */
export function signedUsd(value) {
  if (value === null || value === undefined) return '—';
  const text = USD.format(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `${MINUS}${text}` : text;
}

/** `$45.1K` for axes. */
export function usdCompact(value) {
  return USD_COMPACT.format(value).replace('-', MINUS);
}

export function integer(value) {
  return value === null || value === undefined ? '—' : INTEGER.format(value).replace('-', MINUS);
}

export function decimal(value, digits) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value).replace('-', MINUS);
}

export function percent(value, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${decimal(value * 100, digits)} %`;
}

/** A USD rate: enough significant digits for RUB (0.0161) and GBP (1.13). */
export function rate(value) {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 }).format(value);
}

/** `2026-11-25 15:12:51 UTC` */
export function time(iso) {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** `12 s`, `3 min`, `5 h`, `4 d`: a length of time, as coarse as it is long. */
export function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** `12 s ago`, `3 min ago`, `5 h ago`, `4 d ago`. */
export function age(iso, now = Date.now()) {
  if (!iso) return '';
  return `${duration(Math.max(0, (now - Date.parse(iso)) / 1000))} ago`;
}

/** Every day from `from` to `to`, ISO. */
export function daysOf(from, to) {
  const days = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Escapes text for the few places that build HTML (tooltips). */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
