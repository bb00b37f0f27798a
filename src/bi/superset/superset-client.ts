import { ConfigError } from '../../errors.js';
import { readBody, send, type JsonCall } from '../http-json.js';
import { rison, type RisonValue } from './rison.js';

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
    const call: JsonCall = { tool: 'Superset', base, what: 'POST /api/v1/security/login' };
    const response = await send(call, `${base}/api/v1/security/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password, provider: 'db', refresh: false }),
    });
    if (response.status === 401) throw new ConfigError(`Superset at ${base} rejected the login of "${user}": wrong user or password`);
    const token = ((await readBody(call, response)) as { access_token?: string }).access_token;
    if (!token) throw new ConfigError(`Superset at ${base} answered the login without a token: is this a Superset?`);
    const client = new SupersetClient(base, token);
    await client.#fetchCsrf();
    return client;
  }

  async #fetchCsrf(): Promise<void> {
    const call: JsonCall = { tool: 'Superset', base: this.#base, what: 'GET /api/v1/security/csrf_token/' };
    const response = await send(call, `${this.#base}/api/v1/security/csrf_token/`, { headers: { Authorization: `Bearer ${this.#token}` } });
    const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]!).filter(Boolean);
    this.#csrf = ((await readBody(call, response)) as { result?: string }).result ?? '';
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
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const call: JsonCall = { tool: 'Superset', base: this.#base, what: `${method} ${path}` };
    return (await readBody(call, await send(call, `${this.#base}${path}`, init))) as T;
  }
}
