import { describeError, UnavailableError } from '../errors.js';

export type ApiErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'method_not_allowed'
  | 'misdirected_request'
  | 'warehouse_unavailable'
  | 'warehouse_timeout'
  | 'busy'
  | 'not_migrated'
  | 'internal';

/** An answer other than 200, with a stable code and a reason a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'bad_request', message);

/** The warehouse has no dashboard tables yet (schema not migrated). */
export class NotMigratedError extends Error {
  constructor(cause: unknown) {
    super(`the warehouse has no marts yet (${describeError(cause)}): run turnover migrate, then turnover build-marts`, { cause });
    this.name = 'NotMigratedError';
  }
}

/**
 * The answer for an error thrown while serving a request: input errors are
 * 400, an unreachable or unmigrated warehouse 503 with its reason (the page
 * says so and retries), anything else a 500 whose detail stays in the log.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof UnavailableError) return new ApiError(503, 'warehouse_unavailable', describeError(error));
  if (error instanceof NotMigratedError) return new ApiError(503, 'not_migrated', error.message);
  return new ApiError(500, 'internal', 'internal error while answering (details in the dashboard\'s log)');
}
