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

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` that really exists (no Feb 30). */
export function isoDate(name: string) {
  return (value: string): string => {
    const m = ISO_DATE.exec(value);
    const valid = m !== null && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
    if (!valid) throw new UsageError(`${name} must be a date YYYY-MM-DD, got "${value}"`);
    return value;
  };
}

/** Repeatable option: `--conf a=b --conf c=d` collects into an array. */
export function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
}
