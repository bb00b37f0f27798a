import { ConfigError, TurnoverError, UnavailableError } from '../../errors.js';
import { oneLine } from '../report.js';

/** A non-2xx answer of Metabase's API. */
export class MetabaseApiError extends TurnoverError {
  readonly status: number;

  constructor(status: number, message: string) {
    super(status >= 500 ? 'UNAVAILABLE' : 'CONFIG', message, { retriable: status >= 500 });
    this.status = status;
  }
}

/**
 * Metabase's REST API as one session: `POST /api/session` gives a session id
 * that every later request sends in `X-Metabase-Session`.
 */
export class MetabaseClient {
  readonly #base: string;
  readonly #session: string;

  private constructor(base: string, session: string) {
    this.#base = base;
    this.#session = session;
  }

  get url(): string {
    return this.#base;
  }

  static async login(url: string, user: string, password: string): Promise<MetabaseClient> {
    const base = url.replace(/\/+$/, '');
    const response = await send(base, 'POST /api/session', `${base}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password }),
    });
    if (response.status === 401 || response.status === 400) {
      const reason = errorMessage(await readText(response));
      throw new ConfigError(`Metabase at ${base} rejected the login of "${user}"${reason ? `: ${reason}` : ''}`);
    }
    const body = (await readBody(response, 'POST /api/session')) as { id?: string };
    if (typeof body.id !== 'string') throw new ConfigError(`Metabase at ${base} answered the login without a session id: is this a Metabase?`);
    return new MetabaseClient(base, body.id);
  }

  get<T>(path: string): Promise<T> {
    return this.#request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>('PUT', path, body);
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'X-Metabase-Session': this.#session, Accept: 'application/json' };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await send(this.#base, `${method} ${path}`, `${this.#base}${path}`, init);
    return (await readBody(response, `${method} ${path.split('?')[0]}`)) as T;
  }
}

async function send(base: string, what: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new UnavailableError(`Metabase at ${base} is not reachable (${what}: ${cause})`);
  }
}

async function readText(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBody(response: Response, what: string): Promise<unknown> {
  const body = await readText(response);
  if (!response.ok) throw new MetabaseApiError(response.status, `Metabase ${what} answered ${response.status}: ${errorMessage(body) || response.statusText}`);
  return body;
}

/** Metabase answers errors as plain text, `{message}` or `{errors: {field: reason}}`. */
function errorMessage(body: unknown): string {
  if (typeof body === 'string') return oneLine(body.replace(/<[^>]+>/g, ' ')).slice(0, 300);
  const b = body as { message?: unknown; errors?: Record<string, unknown> };
  if (typeof b.message === 'string') return oneLine(b.message);
  if (b.errors && typeof b.errors === 'object') return Object.entries(b.errors).map(([k, v]) => `${k} ${String(v)}`).join('; ');
  return '';
}
