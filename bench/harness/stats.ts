/**
 * The statistics a benchmark prints over its measured rounds. One run per
 * figure says nothing on a shared machine: the median is the figure, the
 * range says how far a single round could be from it.
 */

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error('no values');
  if (values.some((v) => Number.isNaN(v))) throw new Error(`a value is not a number: ${values.join(', ')}`);
  return [...values].sort((a, b) => a - b);
}

/** The middle value; for an even count the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  const s = sorted(values);
  const middle = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[middle]! : (s[middle - 1]! + s[middle]!) / 2;
}

export interface Range {
  readonly min: number;
  readonly max: number;
}

export function range(values: readonly number[]): Range {
  const s = sorted(values);
  return { min: s[0]!, max: s.at(-1)! };
}

/** Nearest-rank percentile (p in 0–100): always one of the values, never an interpolation between them. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not in (0, 100]`);
  const s = sorted(values);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}
