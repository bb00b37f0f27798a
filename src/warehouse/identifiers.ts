import { TurnoverError } from '../errors.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Table and column names that a dialect writes into generated statements
 * (COPY column lists, day replacement). They come from our own code, never
 * from input, but are checked anyway: only values may vary at run time, and
 * values are always bound.
 */
export function checkedIdentifier(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new TurnoverError('INTERNAL', `not a plain SQL identifier: ${JSON.stringify(name)}`);
  }
  return name;
}
