import { ConfigError, TurnoverError, UnavailableError } from '../errors.js';
import { oneLine } from './report.js';

/** A non-2xx answer of a BI tool's API: a 4xx is the request's (configuration) fault, a 5xx worth retrying. */
export class BiApiError extends TurnoverError {
  readonly status: number;

  constructor(status: number, message: string) {
    super(status >= 500 ? 'UNAVAILABLE' : 'CONFIG', message, { retriable: status >= 500 });
    this.status = status;
  }
}

export interface JsonCall {
  /** `Superset` or `Metabase`, for messages. */
  readonly tool: string;
  /** The tool's base URL, for messages. */
  readonly base: string;
  /** `METHOD /path`, for messages. */
  readonly what: string;
}

/** Sends a request; a connection that cannot be made is UnavailableError, in one line. */
export async function send(call: JsonCall, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new UnavailableError(`${call.tool} at ${call.base} is not reachable (${call.what}: ${cause})`);
  }
}

/** The answer as JSON (or its text when it is not JSON). */
export async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return text; // an HTML error page or a proxy's answer
  }
}

/** The answer of a 2xx; anything else becomes a BiApiError with the tool's reason in one line. */
export async function readBody(call: JsonCall, response: Response): Promise<unknown> {
  const body = await readAnswer(response);
  if (!response.ok) throw new BiApiError(response.status, `${call.tool} ${call.what.split('?')[0]} answered ${response.status}: ${errorReason(body) || response.statusText}`);
  return body;
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
