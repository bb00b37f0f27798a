import { shiftDay, type Day } from '../contracts/days.js';

/** Calendar days as ISO strings (`YYYY-MM-DD`, UTC), years 0001–9999: they sort and compare as text. */
export { addDays, clampedDay, dayRange, FIRST_DAY, LAST_DAY, shiftDay, type Day } from '../contracts/days.js';

/** Consecutive days grouped into runs: [d1, d2, d3, d5] -> [[d1, d3], [d5, d5]]. */
export function contiguousRuns(sortedDays: readonly Day[]): [Day, Day][] {
  const runs: [Day, Day][] = [];
  for (const day of sortedDays) {
    const last = runs.at(-1);
    if (last && shiftDay(last[1], 1) === day) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}
