import { errorCodeOf, isTransientSocketCode } from '../net/socket-errors.js';

/**
 * What a PostgreSQL (or Vertica) error means for the code that got it, by
 * SQLSTATE class, in one place. Every write path asks this instead of
 * guessing from messages or treating every SQL error as an outage:
 *
 * - `data`: the statement's data was refused (class 22 data exception, 54
 *   program limit exceeded, 23 integrity constraint on the row path). Retrying
 *   the same rows fails the same way: isolate the offending record and
 *   quarantine it with its reason, then go on.
 * - `unavailable`: the server cannot serve now (08 connection exception, 53
 *   insufficient resources, 57P operator intervention such as a shutdown or
 *   restart, 25P03 and 25P04: the server ended a session that sat too long
 *   inside a transaction — the landing's frozen writer, see
 *   src/landing/landing-store.ts — and a connection that died without a
 *   SQLSTATE). Retry with back-off in a new session.
 * - `conflict`: another transaction got in the way (40001 serialization
 *   failure, 40P01 deadlock). Re-read and retry.
 * - `config`: retrying cannot help (28 invalid authorization, 3D000 no such
 *   database, 3F000 no such schema, 42501 no privilege, 42P01 missing table).
 * - `fatal`: anything else (a bug, a schema that drifted): stop with one line.
 */
export type SqlErrorKind = 'data' | 'unavailable' | 'conflict' | 'config' | 'fatal';

const CONFIG_STATES = new Set(['3D000', '3F000', '42501', '42P01']);
/** idle_in_transaction_session_timeout, transaction_timeout: the session is gone, the server is fine. */
const SESSION_ENDED_STATES = new Set(['25P03', '25P04']);

/** The SQLSTATE of a driver error, when it has one. */
export function sqlStateOf(error: unknown): string | undefined {
  // Node's system errors carry a `syscall`, and some of their codes (EPIPE) look like a SQLSTATE
  if ((error as { syscall?: unknown } | null)?.syscall !== undefined) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function classifySqlError(error: unknown): SqlErrorKind {
  const state = sqlStateOf(error);
  if (state === undefined) {
    // Node's socket errors: the server went away or never answered
    if (isTransientSocketCode(errorCodeOf(error))) return 'unavailable';
    // pg reports a connection that ended mid-query with a plain Error and no code
    const message = (error as Error | null)?.message ?? '';
    if (/terminat|connection|ended|closed|timeout|socket/i.test(message)) return 'unavailable';
    return 'fatal';
  }
  const klass = state.slice(0, 2);
  if (klass === '22' || klass === '54' || klass === '23') return 'data';
  if (klass === '08' || klass === '53' || state.startsWith('57P') || SESSION_ENDED_STATES.has(state)) return 'unavailable';
  if (state === '40001' || state === '40P01') return 'conflict';
  if (klass === '28' || CONFIG_STATES.has(state)) return 'config';
  return 'fatal';
}
