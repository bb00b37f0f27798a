import { ConfigError, describeError, TurnoverError, UnavailableError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { httpPolicy, isRetriable, isRetriableHttpStatus, retry, RetriesExhaustedError, withDeadline, type RetryPolicy } from '../retry/index.js';
import { errorCodeOf, isNotSentSocketCode } from '../net/socket-errors.js';
import { oneLine } from './report.js';

/** A non-2xx answer of a BI tool's API: a 5xx or 429 may pass (retriable, exit 5), any other 4xx is the request's (configuration) fault. */
export class BiApiError extends TurnoverError {
  readonly status: number;

  constructor(status: number, message: string) {
    const retriable = isRetriableHttpStatus(status);
    super(retriable ? 'UNAVAILABLE' : 'CONFIG', message, { retriable });
    this.status = status;
  }
}

/** No answer at all: the connection was refused, dropped (`other side closed`) or timed out. */
class UnreachableError extends UnavailableError {
  /** True when the request certainly never reached the server (a refused connection). */
  readonly notSent: boolean;

  constructor(message: string, cause: unknown) {
    super(message, cause);
    this.notSent = causes(cause).some((e) => isNotSentSocketCode(errorCodeOf(e)));
  }
}

export interface JsonCall {
  /** `Superset` or `Metabase`, for messages. */
  readonly tool: string;
  /** The tool's base URL, for messages. */
  readonly base: string;
  /** `METHOD /path`, for messages. */
  readonly what: string;
  /**
   * A POST that may safely be sent twice (a login). GET, PUT and DELETE are
   * replayable anyway; any other POST is retried only when it certainly was
   * not processed (see `neverProcessed`).
   */
  readonly replayable?: boolean;
}

/** How a client retries its requests: the policy (httpPolicy, or a shorter deadline) and where retries are logged. */
export interface HttpOptions {
  readonly policy?: RetryPolicy;
  readonly logger?: Logger;
}

/** A provisioning run's HTTP options: its logger, and httpPolicy with the deadline it was given (--retry-for). */
export function httpOptions(options: { readonly logger: Logger; readonly retryForMs?: number | undefined }): HttpOptions {
  return { logger: options.logger, policy: options.retryForMs === undefined ? httpPolicy : withDeadline(httpPolicy, options.retryForMs) };
}

/** An answer, read whole (the body as JSON, or its text when it is not JSON). */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: unknown;
}

/** How long one request may take before it counts as unanswered (creating a Superset dataset runs its SQL). */
const REQUEST_TIMEOUT_MS = 120_000;
const REPLAYABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/**
 * Sends a request and reads its answer, retrying with the http policy what
 * may pass (isRetriable: a dropped or refused connection, a timeout, 5xx,
 * 429) as long as sending it again is safe. Gives up with one line: the
 * tool, the URL, the request, the last reason and how long it was tried
 * (exit 5). An unknown host or an untrusted certificate is a ConfigError at
 * once. Other non-2xx answers are returned for the caller to read.
 */
export async function exchange(call: JsonCall, url: string, init: RequestInit, http: HttpOptions = {}): Promise<HttpAnswer> {
  const replayable = call.replayable === true || REPLAYABLE_METHODS.has((init.method ?? 'GET').toUpperCase());
  return retry(
    http.policy ?? httpPolicy,
    async () => {
      let response: Response;
      let body: unknown;
      try {
        response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        body = await readAnswer(response);
      } catch (error) {
        // fetch says "fetch failed"; the reason is its cause (`other side closed`, `connect ECONNREFUSED …`)
        const reason = error instanceof Error && error.cause !== undefined ? error.cause : error;
        const message = `${call.tool} at ${call.base} is not reachable (${call.what}: ${reason instanceof Error ? reason.message : String(reason)})`;
        throw isRetriable(error) ? new UnreachableError(message, reason) : new ConfigError(message, reason);
      }
      const answer = { status: response.status, ok: response.ok, statusText: response.statusText, headers: response.headers, body };
      if (isRetriableHttpStatus(answer.status)) throw answerError(call, answer);
      return answer;
    },
    {
      retriable: (error) => isRetriable(error) && (replayable || neverProcessed(error)),
      // info, not warn: a retry that works is no news; one that gives up ends the command with its one line
      onRetry: ({ error, delayMs }) => http.logger?.info({ tool: call.tool, request: call.what, retryInMs: delayMs }, `${describeError(error)}; retrying`),
    },
  );
}

/**
 * True when a failed request certainly changed nothing, so even a POST may
 * be sent again: the connection was refused, or the server said so (429 too
 * many requests, 503 unavailable). A POST whose connection dropped may have
 * been processed: sending it again could create a second object.
 */
function neverProcessed(error: unknown): boolean {
  if (error instanceof UnreachableError) return error.notSent;
  return error instanceof BiApiError && (error.status === 429 || error.status === 503);
}

/**
 * An error whose request may or may not have been processed (a dropped
 * connection on a POST): the caller can look for what it meant to create
 * before sending it again. Not one that a retry already gave up on.
 */
export function isAmbiguous(error: unknown): boolean {
  return isRetriable(error) && !neverProcessed(error) && !(error instanceof RetriesExhaustedError);
}

/** The body of a 2xx; anything else becomes a BiApiError with the tool's reason in one line. */
export function bodyOf(call: JsonCall, answer: HttpAnswer): unknown {
  if (!answer.ok) throw answerError(call, answer);
  return answer.body;
}

function answerError(call: JsonCall, answer: HttpAnswer): BiApiError {
  return new BiApiError(answer.status, `${call.tool} ${call.what.split('?')[0]} answered ${answer.status}: ${errorReason(answer.body) || answer.statusText}`);
}

async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return text; // an HTML error page or a proxy's answer
  }
}

/** An error and its causes, and the errors an AggregateError (a refused IPv6 and IPv4 connect) holds. */
function causes(error: unknown): unknown[] {
  const all: unknown[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (e === null || typeof e !== 'object' || depth > 8) return;
    all.push(e);
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const each of inner) visit(each, depth + 1);
    visit((e as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return all;
}

/**
 * The reason a BI tool gives for an error: plain text, `{message}`,
 * Superset's `{errors: [{message}]}` or Metabase's `{errors: {field: reason}}`.
 */
export function errorReason(body: unknown): string {
  if (typeof body === 'string') return oneLine(body.replace(/<[^>]+>/g, ' ')).slice(0, 300);
  const b = body as { message?: unknown; errors?: unknown };
  if (Array.isArray(b.errors) && b.errors.length > 0 && (b.errors[0] as { message?: string }).message) {
    return oneLine((b.errors as { message?: string }[]).map((e) => e.message).join('; '));
  }
  if (typeof b.message === 'string') return oneLine(b.message);
  if (b.errors && typeof b.errors === 'object') return oneLine(Object.entries(b.errors).map(([k, v]) => `${k} ${String(v)}`).join('; '));
  return b.message === undefined ? '' : JSON.stringify(b.message).slice(0, 500);
}

/**
 * A BI tool refused to save the warehouse connection (both test it first):
 * one line that names the warehouse and gives the tool's reason.
 */
export function connectionRefused(tool: string, warehouse: string) {
  return (error: unknown): never => {
    if (error instanceof BiApiError && error.status >= 400 && error.status < 500) {
      throw new ConfigError(`${tool} cannot use the warehouse ${warehouse}: ${error.message.replace(/^\S+ [A-Z]+ \S+ answered \d+: /, '')}`);
    }
    throw error;
  };
}
