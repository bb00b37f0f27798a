import { ConfigError, ConflictError, describeError, TurnoverError, UnavailableError } from '../errors.js';
import { errorCodeOf, isConfigurationSocketCode } from '../net/socket-errors.js';
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

/**
 * An error of a database call (connect or statement) as the error of its
 * kind, for the code that connects: an unknown host or an untrusted
 * certificate is a configuration error (exit 3: the same on every try), a
 * server that cannot be reached is unavailable (exit 5, retried by the
 * callers' policies); anything else is returned as it is, for the SQLSTATE
 * handling further up. `what`: "the warehouse (PostgreSQL)".
 */
export function connectionFailure(error: unknown, what: string): unknown {
  if (error instanceof TurnoverError) return error;
  if (isConfigurationSocketCode(errorCodeOf(error))) return new ConfigError(`${what}: unknown host or untrusted certificate: ${describeError(error)}`, error);
  if (classifySqlError(error) === 'unavailable') return new UnavailableError(`${what} is not reachable`, error);
  return error;
}
