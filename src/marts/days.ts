/** Calendar days as ISO strings (`YYYY-MM-DD`, UTC): they sort and compare as text. */
export type Day = string;

const MS_PER_DAY = 86_400_000;

export function addDays(day: Day, n: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included; empty when `from` > `to`. */
export function dayRange(from: Day, to: Day): Day[] {
  const days: Day[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Consecutive days grouped into runs: [d1, d2, d3, d5] -> [[d1, d3], [d5, d5]]. */
export function contiguousRuns(sortedDays: readonly Day[]): [Day, Day][] {
  const runs: [Day, Day][] = [];
  for (const day of sortedDays) {
    const last = runs.at(-1);
    if (last && addDays(last[1], 1) === day) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}
