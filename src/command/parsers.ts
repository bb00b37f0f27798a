import { FIRST_DAY, isDay, LAST_DAY } from '../contracts/days.js';
import { UsageError } from '../errors.js';

/** Option value parsers: each throws a UsageError that names the bad value. */

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer, got "${value}"`);
    return n;
  };
}

export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

export function port(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${name} must be a TCP port (0-65535), got "${value}"`);
    return n;
  };
}

/** A calendar date `YYYY-MM-DD` that really exists (no Feb 30), years 0001–9999 as in the feed contract. */
export function isoDate(name: string) {
  return (value: string): string => {
    if (!isDay(value)) throw new UsageError(`${name} must be a date YYYY-MM-DD of years ${FIRST_DAY.slice(0, 4)}-${LAST_DAY.slice(0, 4)}, got "${value}"`);
    return value;
  };
}

/** Repeatable option: `--conf a=b --conf c=d` collects into an array. */
export function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}
