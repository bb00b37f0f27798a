/**
 * Figures rounded so that they never flatter: a rate or ratio where more is
 * better is rounded down (89.7% prints 89%, 2.99× prints 2.9×), a time where
 * less is better is rounded up. A printed figure is then never on the good
 * side of a target the unrounded one misses.
 */

/** Which way is good for a figure. */
export type Better = 'higher' | 'lower';

/** Guards against binary fractions: 0.29 * 100 is 28.999999999999996, which is 29. */
const EPSILON = 1e-9;

/** `value` rounded to `digits` decimals, towards the bad side. */
export function roundAgainst(value: number, digits: number, better: Better): number {
  const scale = 10 ** digits;
  const scaled = value * scale;
  return (better === 'higher' ? Math.floor(scaled + EPSILON) : Math.ceil(scaled - EPSILON)) / scale;
}

/** A ratio as a whole percentage, rounded down: 0.897 → "89%". */
export function percentDown(ratio: number): string {
  return Number.isFinite(ratio) ? `${roundAgainst(ratio * 100, 0, 'higher')}%` : 'n/a';
}

/** A ratio as a multiple with one decimal, rounded down: 2.99 → "2.9×". */
export function timesDown(ratio: number): string {
  return Number.isFinite(ratio) ? `${roundAgainst(ratio, 1, 'higher').toFixed(1)}×` : 'n/a';
}

/** A rate, whole and rounded down, with thousands separators: 199,999.9 → "199,999". */
export function rateDown(rate: number): string {
  return Number.isFinite(rate) ? roundAgainst(rate, 0, 'higher').toLocaleString('en-US') : 'n/a';
}

/** Seconds with two decimals, rounded up: 2.001 → "2.01 s". */
export function secondsUp(seconds: number): string {
  return Number.isFinite(seconds) ? `${roundAgainst(seconds, 2, 'lower').toFixed(2)} s` : 'n/a';
}

/** CPU-seconds with one decimal, rounded up: 2.51 → "2.6 CPU-s". */
export function cpuSecondsUp(seconds: number): string {
  return Number.isFinite(seconds) ? `${roundAgainst(seconds, 1, 'lower').toFixed(1)} CPU-s` : 'n/a';
}

/** Megabytes, whole and rounded up: 300.2 → "301 MB". */
export function megabytesUp(mb: number): string {
  return Number.isFinite(mb) ? `${roundAgainst(mb, 0, 'lower')} MB` : 'n/a';
}
