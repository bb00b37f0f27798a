/**
 * Operational errors. Every error the CLI can report carries a stable `code`
 * (for logs, alerts and exit statuses) and a `retriable` flag that retry
 * loops read instead of guessing from messages.
 */
export type ErrorCode =
  | 'CONFIG'
  | 'USAGE'
  | 'PREREQUISITE'
  | 'UNAVAILABLE'
  | 'NOT_IMPLEMENTED'
  | 'STACK'
  | 'RECONCILIATION'
  | 'CONFLICT'
  | 'OFFSET_MISMATCH'
  | 'REJECTS'
  | 'INTERNAL';

export class TurnoverError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Bad configuration (env var, flag, URL, credentials): retrying cannot help. */
export class ConfigError extends TurnoverError {
  constructor(message: string, cause?: unknown) {
    super('CONFIG', message, { cause });
  }
}

/** Bad command-line usage (wrong argument, unknown value). */
export class UsageError extends TurnoverError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** A tool the command needs (java, mvn, python) is missing or too old. */
export class PrerequisiteError extends TurnoverError {
  constructor(message: string) {
    super('PREREQUISITE', message);
  }
}

/** A server (Kafka, PostgreSQL, the warehouse) is not reachable right now: worth retrying. */
export class UnavailableError extends TurnoverError {
  constructor(message: string, cause?: unknown) {
    super('UNAVAILABLE', message, { retriable: true, cause });
  }
}

/** The local stack is not in the state the command needs (not running, failed to start). */
export class StackError extends TurnoverError {
  constructor(message: string, cause?: unknown) {
    super('STACK', message, { cause });
  }
}

/** Counts that must balance (read = loaded + rejected + duplicates) did not. */
export class ReconciliationError extends TurnoverError {
  constructor(message: string) {
    super('RECONCILIATION', message);
  }
}

/** Another process changed shared state first (offset fencing): the caller re-reads and retries. */
export class ConflictError extends TurnoverError {
  constructor(message: string) {
    super('CONFLICT', message, { retriable: true });
  }
}

/**
 * The landing's stored offsets and Kafka's log (or the rows already landed)
 * disagree: the topic was deleted and created again (its id changed), a
 * stored offset is past the end of Kafka's log, or a row for an offset the
 * fence said was new is already there (two groups landing one topic, a bug).
 * Nothing was written; without an operator's --on-offset-reset stopping is
 * the only safe move, because going on would either drop records or loop.
 */
export class OffsetMismatchError extends TurnoverError {
  constructor(message: string) {
    super('OFFSET_MISMATCH', message);
  }
}

/** `validate --fail-on-reject`: the feed holds messages the contract rejects (a CI gate). */
export class RejectsFoundError extends TurnoverError {
  constructor(message: string) {
    super('REJECTS', message);
  }
}

export class NotImplementedError extends TurnoverError {
  constructor(what: string) {
    super('NOT_IMPLEMENTED', `${what} is not implemented yet`);
  }
}

/** Exit status per error code: the only place that maps errors to process exit codes. */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = Object.freeze({
  USAGE: 2,
  CONFIG: 3,
  PREREQUISITE: 4,
  UNAVAILABLE: 5,
  STACK: 6,
  RECONCILIATION: 7,
  CONFLICT: 8,
  OFFSET_MISMATCH: 9,
  REJECTS: 10,
  NOT_IMPLEMENTED: 64,
  INTERNAL: 1,
});

export function exitCodeOf(error: unknown): number {
  return error instanceof TurnoverError ? EXIT_CODES[error.code] : EXIT_CODES.INTERNAL;
}

/** One line for a human: the message, and the cause's message when it adds something. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}
