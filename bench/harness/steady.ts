/**
 * The steady-state rate of a run watched by polling: rows landed inside a
 * window divided by that window. The window starts at a sample (the first
 * one with rows landed, or the first after the engine said it is consuming)
 * and ends at the last; rows landed before its start are not counted, as
 * dividing all rows by a window that begins after the first batch landed
 * would credit the window with a batch it did not contain.
 */

/** One poll of a run: seconds since launch and rows landed by then. */
export interface Sample {
  readonly atS: number;
  readonly rows: number;
}

export interface Window {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerS: number;
}

/** Rows landed between two samples, over the time between them; undefined for an empty window. */
export function windowBetween(start: Sample, end: Sample): Window | undefined {
  const seconds = end.atS - start.atS;
  if (!(seconds > 0)) return undefined;
  const rows = end.rows - start.rows;
  return { rows, seconds, rowsPerS: rows / seconds };
}

/** From the first sample with a row landed to the last sample. */
export function steadyFromFirstRow(samples: readonly Sample[]): Window | undefined {
  const start = samples.find((s) => s.rows > 0);
  const end = samples.at(-1);
  return start && end ? windowBetween(start, end) : undefined;
}

/** From the first sample taken at or after `startS` (e.g. the engine's "consuming" line) to the last sample. */
export function steadyFrom(samples: readonly Sample[], startS: number): Window | undefined {
  const start = samples.find((s) => s.atS >= startS);
  const end = samples.at(-1);
  return start && end ? windowBetween(start, end) : undefined;
}
