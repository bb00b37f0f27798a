import { classifySqlError, sqlStateOf } from '../db/sqlstate.js';
import { EXIT_CODES, TurnoverError } from '../errors.js';
import { errorCodeOf, isConfigurationSocketCode, isTransientSocketCode } from '../net/socket-errors.js';

/**
 * THE retry decision: may the same call succeed if tried again later? Read
 * from what the error says, never from its message:
 *
 * - our errors (src/errors.ts): their `retriable` flag (UnavailableError,
 *   ConflictError and BiApiError of a 5xx or 429 say yes);
 * - a database error: its SQLSTATE class (db/sqlstate.ts): `unavailable`
 *   and `conflict` retry, `data`, `config` and `fatal` do not; a plain Error
 *   without a SQLSTATE as that classifier reads it (pg's "Connection
 *   terminated unexpectedly" is unavailable);
 * - a Kafka error of the wire client: its own `retriable` (kafka-error-codes.ts
 *   sets it from the code, per the Kafka protocol; a lost connection retries
 *   unless its cause is a configuration problem);
 * - a kafkajs error: its own `retriable` flag, looking through "retries
 *   exceeded" to the error kafkajs gave up on; @platformatic/kafka's `canRetry`;
 * - Node socket errors (refused, reset, timed out) and fetch's (`other side
 *   closed`, header or body timeout) retry; an unknown host or an untrusted
 *   certificate does not;
 * - anything else (a bug, a TypeError) does not: retrying would hide it.
 */
export function isRetriable(error: unknown): boolean {
  return decide(error, 0);
}

/** fetch's (undici's) own codes for a connection that failed or went quiet. */
const FETCH_TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const MAX_CAUSE_DEPTH = 8;

function decide(error: unknown, depth: number): boolean {
  if (depth > MAX_CAUSE_DEPTH || error === null || typeof error !== 'object') return false;
  if (error instanceof TurnoverError) return error.retriable;
  const e = error as { name?: unknown; retriable?: unknown; canRetry?: unknown; cause?: unknown; originalError?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  if (name === 'KafkaJSNumberOfRetriesExceeded') return decide(e.originalError ?? e.cause, depth + 1);
  const code = errorCodeOf(error);
  if (isConfigurationSocketCode(code)) return false;
  // errors that know their own answer: kafkajs', and the wire client's (kafka/wire/kafka-error-codes.ts:
  // a protocol error by the Kafka protocol's retriable column, a lost connection unless its cause is configuration)
  if (typeof e.retriable === 'boolean') return e.retriable;
  if (name.startsWith('KafkaJS')) return false;
  if (isTransientSocketCode(code) || (code !== undefined && FETCH_TRANSIENT_CODES.has(code))) return true;
  if (name === 'TimeoutError') return true; // AbortSignal.timeout() fired: the server did not answer in time
  if (typeof e.canRetry === 'boolean') return e.canRetry;
  // a database error by its SQLSTATE; pg reports a connection that died mid-query as a plain Error without one
  if (sqlStateOf(error) !== undefined || Object.getPrototypeOf(error) === Error.prototype) {
    const kind = classifySqlError(error);
    if (kind === 'unavailable' || kind === 'conflict') return true;
    if (sqlStateOf(error) !== undefined) return false;
  }
  // a wrapper (fetch's "fetch failed", a library's own error) decides by what it wraps
  return e.cause !== undefined && decide(e.cause, depth + 1);
}

/** HTTP: a server error (5xx) or "too many requests" (429) may pass; any other 4xx is the request's fault. */
export function isRetriableHttpStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * Exit statuses after which restarting the same command cannot help: an
 * operator must act (bad usage, configuration, a missing prerequisite,
 * offsets that no longer fit Kafka's log, not implemented).
 */
const FINAL_EXITS: ReadonlySet<number> = new Set([EXIT_CODES.USAGE, EXIT_CODES.CONFIG, EXIT_CODES.PREREQUISITE, EXIT_CODES.OFFSET_MISMATCH, EXIT_CODES.NOT_IMPLEMENTED]);

/**
 * The same decision for a child process, from how it ended: killed by a
 * signal (null), unavailable (5), a conflict (8), a crash (1) and the rest
 * are worth a restart with back-off; the statuses above are not.
 */
export function isRetriableExit(code: number | null): boolean {
  return code === null || !FINAL_EXITS.has(code);
}
