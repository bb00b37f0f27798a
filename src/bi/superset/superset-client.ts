import { ConfigError, TurnoverError, UnavailableError } from '../../errors.js';
import { oneLine } from '../report.js';
import { rison, type RisonValue } from './rison.js';

/** A non-2xx answer of Superset's API, with its status for callers that expect some (404). */
export class SupersetApiError extends TurnoverError {
  readonly status: number;

  constructor(status: number, message: string) {
    super(status >= 500 ? 'UNAVAILABLE' : 'CONFIG', message, { retriable: status >= 500 });
    this.status = status;
  }
}

/**
 * Superset's REST API (v1) as one logged-in session: a JWT from
 * /security/login, a CSRF token with the session cookie it belongs to, both
 * sent on every write (with a Referer, which Flask-WTF checks). GETs carry no
 * Content-Type (Superset answers 400 to a JSON content type without a body).
 */
export class SupersetClient {
  readonly #base: string;
  readonly #token: string;
  #csrf = '';
  #cookie = '';

  private constructor(base: string, token: string) {
    this.#base = base;
    this.#token = token;
  }

  get url(): string {
    return this.#base;
  }

  static async login(url: string, user: string, password: string): Promise<SupersetClient> {
    const base = url.replace(/\/+$/, '');
    const response = await send(base, 'POST /api/v1/security/login', `${base}/api/v1/security/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password, provider: 'db', refresh: false }),
    });
    if (response.status === 401) throw new ConfigError(`Superset at ${base} rejected the login of "${user}": wrong user or password`);
    const body = await readBody(response, 'POST /api/v1/security/login');
    const token = (body as { access_token?: string }).access_token;
    if (!token) throw new ConfigError(`Superset at ${base} answered the login without a token: is this a Superset?`);
    const client = new SupersetClient(base, token);
    await client.#fetchCsrf();
    return client;
  }

  async #fetchCsrf(): Promise<void> {
    const response = await send(this.#base, 'GET csrf_token', `${this.#base}/api/v1/security/csrf_token/`, { headers: { Authorization: `Bearer ${this.#token}` } });
    const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]!).filter(Boolean);
    const body = (await readBody(response, 'GET /api/v1/security/csrf_token/')) as { result?: string };
    this.#csrf = body.result ?? '';
    this.#cookie = cookies.join('; ');
  }

  get<T>(path: string, query?: RisonValue): Promise<T> {
    const suffix = query === undefined ? '' : `?q=${encodeURIComponent(rison(query))}`;
    return this.#request<T>('GET', `${path}${suffix}`);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.#request<T>('PUT', path, body);
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.#token}`, Accept: 'application/json' };
    if (method !== 'GET') {
      headers['X-CSRFToken'] = this.#csrf;
      headers.Referer = `${this.#base}/`;
      if (this.#cookie) headers.Cookie = this.#cookie;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await send(this.#base, `${method} ${path}`, `${this.#base}${path}`, init);
    return (await readBody(response, `${method} ${path.split('?')[0]}`)) as T;
  }
}

async function send(base: string, what: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new UnavailableError(`Superset at ${base} is not reachable (${what}: ${cause})`);
  }
}

async function readBody(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    // not JSON: an HTML error page or a proxy's answer; quoted below
  }
  if (!response.ok) throw new SupersetApiError(response.status, `Superset ${what} answered ${response.status}: ${errorMessage(body)}`);
  return body;
}

function errorMessage(body: unknown): string {
  if (typeof body === 'string') return oneLine(body.replace(/<[^>]+>/g, ' ')).slice(0, 300);
  const b = body as { message?: unknown; errors?: { message?: string }[] };
  if (b.errors && b.errors.length > 0 && b.errors[0]?.message) return oneLine(b.errors.map((e) => e.message).join('; '));
  if (typeof b.message === 'string') return oneLine(b.message);
  return JSON.stringify(b.message ?? body).slice(0, 500);
}
