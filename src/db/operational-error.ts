import { ConfigError, ConflictError, describeError, TurnoverError, UnavailableError } from '../errors.js';
import { classifySqlError, sqlStateOf } from './sqlstate.js';

/**
 * A database error that reached a command's edge, as the CLI's error class
 * of its SQLSTATE class (sqlstate.ts), so the exit status says what to do:
 * unavailable → UNAVAILABLE (5, retry later), conflict → CONFLICT (8, rerun),
 * config → CONFIG (3, fix the setup), anything else → INTERNAL (1). Data
 * errors are the caller's to quarantine before they get here; one that does
 * is reported as INTERNAL with its SQLSTATE. Errors that already carry a
 * code of ours pass through unchanged.
 */
export function operationalError(error: unknown, what: string): unknown {
  if (error instanceof TurnoverError) return error;
  const state = sqlStateOf(error);
  const detail = `${describeError(error)}${state ? ` (SQLSTATE ${state})` : ''}`;
  switch (classifySqlError(error)) {
    case 'unavailable':
      return new UnavailableError(`${what}: the database is not reachable: ${detail}`, error);
    case 'conflict':
      return new ConflictError(`${what}: another transaction got in the way, rerun: ${detail}`);
    case 'config':
      return new ConfigError(`${what}: ${detail}`, error);
    default:
      return new TurnoverError('INTERNAL', `${what}: ${detail}`, { cause: error });
  }
}
