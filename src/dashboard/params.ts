import { CURRENCIES, type Currency } from '../contracts/currencies.js';
import { FIRST_DAY, isDay, LAST_DAY, type Day } from '../contracts/days.js';
import { badRequest } from './api-errors.js';

/**
 * Validation of the API's query parameters: everything a request carries is
 * checked here and turned into typed values before any query runs, and the
 * values are then bound, never written into SQL. Bad input is a 400 that
 * says what was wrong.
 */

export type { Day };

export interface DayRange {
  readonly from: Day;
  readonly to: Day;
}

/** Every currency (no filter), or these known codes, ascending and distinct. */
export type CurrencySelection = 'all' | readonly number[];

/** A range longer than this is refused: a dashboard reads weeks, not decades. */
export const MAX_RANGE_DAYS = 366;
const MAX_VALUE_LENGTH = 200;
const MS_PER_DAY = 86_400_000;

/** What a bad value looked like, short and quoted, for the message. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}

/** The query string as a map, refusing unknown, repeated and oversized parameters. */
export function readQuery(search: URLSearchParams, allowed: readonly string[]): ReadonlyMap<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of search) {
    if (!allowed.includes(name)) {
      throw badRequest(`unknown parameter ${shown(name)}${allowed.length ? ` (this endpoint takes: ${allowed.join(', ')})` : ' (this endpoint takes none)'}`);
    }
    if (values.has(name)) throw badRequest(`parameter ${name} is given more than once`);
    if (value.length > MAX_VALUE_LENGTH) throw badRequest(`parameter ${name} is too long (${value.length} characters)`);
    values.set(name, value);
  }
  return values;
}

/**
 * A real calendar day `YYYY-MM-DD` (no 2022-02-30) of years 0001–9999: the
 * days the feed contract accepts and the marts can hold (PostgreSQL has no
 * year 0000; the warehouse is never asked about a day it cannot hold).
 */
export function parseDay(name: string, value: string): Day {
  if (!isDay(value)) throw badRequest(`${name} must be a date YYYY-MM-DD from ${FIRST_DAY} to ${LAST_DAY}, got ${shown(value)}`);
  return value;
}

export function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

/**
 * `from`/`to` (both or neither), or `day` alone when the endpoint takes it
 * (from = to = day). Neither: undefined, and the caller uses its default range.
 */
export function parseRange(query: ReadonlyMap<string, string>): DayRange | undefined {
  const day = query.get('day');
  const from = query.get('from');
  const to = query.get('to');
  if (day !== undefined) {
    if (from !== undefined || to !== undefined) throw badRequest('give either day or from/to, not both');
    const only = parseDay('day', day);
    return { from: only, to: only };
  }
  if ((from === undefined) !== (to === undefined)) throw badRequest('give both from and to, or neither (the default range)');
  if (from === undefined || to === undefined) return undefined;
  const range = { from: parseDay('from', from), to: parseDay('to', to) };
  if (range.from > range.to) throw badRequest(`from ${range.from} is after to ${range.to}`);
  const days = daysBetween(range.from, range.to) + 1;
  if (days > MAX_RANGE_DAYS) throw badRequest(`the range has ${days} days; at most ${MAX_RANGE_DAYS} are allowed`);
  return range;
}

const BY_ISO = new Map(CURRENCIES.map((c) => [c.iso, c]));
const BY_CODE = new Map(CURRENCIES.map((c) => [String(c.code), c]));
const KNOWN = CURRENCIES.map((c) => `${c.iso} (${c.code})`).join(', ');

/**
 * `currencies=USD,EUR` or `currencies=420,440` (any mix, any case): the known
 * currencies of the contract only. Absent: every currency.
 */
export function parseCurrencies(value: string | undefined): CurrencySelection {
  if (value === undefined) return 'all';
  const tokens = value.split(',').map((t) => t.trim());
  if (tokens.length === 0 || tokens.every((t) => t === '')) throw badRequest(`currencies is empty: leave it out for every currency, or list some of ${KNOWN}`);
  const codes = new Set<number>();
  for (const token of tokens) {
    const currency: Currency | undefined = BY_CODE.get(token) ?? BY_ISO.get(token.toUpperCase());
    if (!currency) throw badRequest(`unknown currency ${shown(token)}: known are ${KNOWN}`);
    codes.add(currency.code);
  }
  return [...codes].sort((a, b) => a - b);
}

/** The bound form of a selection: '' for every currency, else `410,440`. */
export function currencyListParam(selection: CurrencySelection): string {
  return selection === 'all' ? '' : selection.join(',');
}
