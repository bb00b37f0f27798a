/**
 * Business days as `YYYY-MM-DD` text (UTC), within the range the contract
 * accepts: years 0001–9999 (timestamp.ts). Every stage holds these days
 * (PostgreSQL's and Vertica's date go further, JavaScript's ISO strings and
 * four-digit years do not), so day arithmetic never steps outside them: a
 * step past either end is `undefined` for the caller to handle, never a
 * `0000-12-31` or `+010000-01-01` that a database refuses on every rerun.
 */
export type Day = string;

export const FIRST_DAY: Day = '0001-01-01';
export const LAST_DAY: Day = '9999-12-31';

const MS_PER_DAY = 86_400_000;
const FIRST_MS = Date.parse(`${FIRST_DAY}T00:00:00Z`);
const LAST_MS = Date.parse(`${LAST_DAY}T00:00:00Z`);
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day `YYYY-MM-DD` of years 0001–9999. */
export function isDay(text: string): boolean {
  if (!ISO_DAY.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return ms >= FIRST_MS && ms <= LAST_MS && new Date(ms).toISOString().slice(0, 10) === text;
}

/** `day` + `n` days, or undefined when that is before FIRST_DAY or after LAST_DAY. */
export function shiftDay(day: Day, n: number): Day | undefined {
  const ms = Date.parse(`${day}T00:00:00Z`) + n * MS_PER_DAY;
  return ms >= FIRST_MS && ms <= LAST_MS ? new Date(ms).toISOString().slice(0, 10) : undefined;
}

/** `day` + `n` days, held within FIRST_DAY..LAST_DAY. */
export function clampedDay(day: Day, n: number): Day {
  return shiftDay(day, n) ?? (n < 0 ? FIRST_DAY : LAST_DAY);
}

/** `day` + `n` days, for callers that know the result is in range; a RangeError otherwise. */
export function addDays(day: Day, n: number): Day {
  const shifted = shiftDay(day, n);
  if (shifted === undefined) throw new RangeError(`${day} ${n < 0 ? '-' : '+'} ${Math.abs(n)} days is outside ${FIRST_DAY}..${LAST_DAY}`);
  return shifted;
}

/** Every day from `from` to `to`, both included; empty when `from` > `to`. */
export function dayRange(from: Day, to: Day): Day[] {
  const days: Day[] = [];
  for (let day: Day | undefined = from; day !== undefined && day <= to; day = shiftDay(day, 1)) days.push(day);
  return days;
}
