/**
 * The generator's calendar: days as numbers since 1970-01-01 (UTC), which its
 * simulation steps through; arithmetic on `YYYY-MM-DD` text is contracts/days.ts.
 */

export const DAY_MS = 86_400_000;

export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day of week, 0 = Sunday. */
export function weekday(day: number): number {
  return (day + 4) % 7;
}
