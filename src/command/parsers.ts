import { z } from 'zod';
import { FIRST_DAY, isDay, LAST_DAY } from '../contracts/days.js';

/**
 * Option value schemas: each takes the string a flag or env variable gave
 * (or the spec's own default), converts it, and reports a bad value with a
 * message that names the flag and the value.
 */

/** A number from a string (or a default that is already a number) through `convert`, which returns undefined for a bad one. */
function numeric(convert: (value: string) => number | undefined, complaint: (value: string) => string): z.ZodType<number> {
  return z.union([z.string(), z.number()]).transform((given, ctx) => {
    const value = String(given);
    const converted = convert(value);
    if (converted === undefined) {
      ctx.addIssue(complaint(value));
      return z.NEVER;
    }
    return converted;
  });
}

export function positiveInt(name: string): z.ZodType<number> {
  return numeric((value) => {
    const n = Number(value);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  }, (value) => `${name} must be a positive integer, got "${value}"`);
}

export function nonNegativeInt(name: string): z.ZodType<number> {
  return numeric((value) => {
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }, (value) => `${name} must be a non-negative integer, got "${value}"`);
}

export function positiveNumber(name: string): z.ZodType<number> {
  return numeric((value) => {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }, (value) => `${name} must be a positive number, got "${value}"`);
}

/** 0, or a positive number (a rate where 0 means "none"). */
export function zeroOrPositiveNumber(name: string): z.ZodType<number> {
  return numeric((value) => {
    if (value === '0') return 0;
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }, (value) => `${name} must be a positive number, got "${value}"`);
}

export function port(name: string): z.ZodType<number> {
  return numeric((value) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
  }, (value) => `${name} must be a TCP port (0-65535), got "${value}"`);
}

/** A calendar date `YYYY-MM-DD` that really exists (no Feb 30), years 0001–9999 as in the feed contract. */
export function isoDate(name: string): z.ZodType<string> {
  return z.string().transform((value, ctx) => {
    if (isDay(value)) return value;
    ctx.addIssue(`${name} must be a date YYYY-MM-DD of years ${FIRST_DAY.slice(0, 4)}-${LAST_DAY.slice(0, 4)}, got "${value}"`);
    return z.NEVER;
  });
}

/** A repeatable option's strings, each checked by `ok` (`--conf key=value`). */
export function eachText(ok: (value: string) => boolean, complaint: (value: string) => string): z.ZodType<readonly string[]> {
  return z.array(z.string()).transform((values, ctx) => {
    const bad = values.find((value) => !ok(value));
    if (bad !== undefined) {
      ctx.addIssue(complaint(bad));
      return z.NEVER;
    }
    return Object.freeze([...values]);
  });
}
