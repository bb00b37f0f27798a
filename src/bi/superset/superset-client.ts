import { ConfigError } from '../../errors.js';
import { httpPolicy, retry } from '../../retry/index.js';
import { bodyOf, exchange, isAmbiguous, type HttpOptions, type JsonCall } from '../http-json.js';
import { rison, type RisonValue } from './rison.js';

type Result<T> = { result: T };

/**
 * Superset's REST API (v1) as one logged-in session: a JWT from
 * /security/login, a CSRF token with the session cookie it belongs to, both
 * sent on every write (with a Referer, which Flask-WTF checks). GETs carry no
 * Content-Type (Superset answers 400 to a JSON content type without a body).
 * Every request is retried with the http policy (http-json.ts): a busy
 * gunicorn drops connections now and then.
 */
export class SupersetClient {
  readonly #base: string;
  readonly #token: string;
  readonly #http: HttpOptions;
  #csrf = '';
  #cookie = '';

  private constructor(base: string, token: string, http: HttpOptions) {
    this.#base = base;
    this.#token = token;
    this.#http = http;
  }

  get url(): string {
    return this.#base;
  }

  static async login(url: string, user: string, password: string, http: HttpOptions = {}): Promise<SupersetClient> {
    const base = url.replace(/\/+$/, '');
    // a login only hands out a token: sending it twice is harmless
    const call: JsonCall = { tool: 'Superset', base, what: 'POST /api/v1/security/login', replayable: true };
    const answer = await exchange(
      call,
      `${base}/api/v1/security/login`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password, provider: 'db', refresh: false }) },
      http,
    );
    if (answer.status === 401) throw new ConfigError(`Superset at ${base} rejected the login of "${user}": wrong user or password`);
    const token = (bodyOf(call, answer) as { access_token?: string }).access_token;
    if (!token) throw new ConfigError(`Superset at ${base} answered the login without a token: is this a Superset?`);
    const client = new SupersetClient(base, token, http);
    await client.#fetchCsrf();
    return client;
  }

  async #fetchCsrf(): Promise<void> {
    const call: JsonCall = { tool: 'Superset', base: this.#base, what: 'GET /api/v1/security/csrf_token/' };
    const answer = await exchange(call, `${this.#base}/api/v1/security/csrf_token/`, { headers: { Authorization: `Bearer ${this.#token}` } }, this.#http);
    this.#csrf = (bodyOf(call, answer) as { result?: string }).result ?? '';
    this.#cookie = answer.headers.getSetCookie().map((c) => c.split(';')[0]!).filter(Boolean).join('; ');
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

  /** Ids of the objects of one kind (`database`, `dataset`, `chart`, `dashboard`) that carry one of these uuids. */
  async findByUuid(resource: string, uuids: readonly string[]): Promise<Map<string, number>> {
    const query: RisonValue = { filters: [{ col: 'uuid', opr: 'in', value: [...uuids] }], columns: ['id', 'uuid'], page_size: 100 };
    const found = await this.get<Result<{ id: number; uuid: string }[]>>(`/api/v1/${resource}/`, query);
    return new Map(found.result.map((r) => [r.uuid, r.id]));
  }

  /**
   * Creates an object under our uuid. When the connection drops during the
   * POST, Superset may have created it and only the answer was lost: the
   * object is looked for by its uuid before the POST is sent again, so a
   * retry never makes a second one.
   */
  create(resource: string, body: { readonly uuid: string } & Record<string, unknown>): Promise<{ id: number }> {
    return retry(
      this.#http.policy ?? httpPolicy,
      async () => {
        try {
          return await this.post<{ id: number }>(`/api/v1/${resource}/`, body);
        } catch (error) {
          if (!isAmbiguous(error)) throw error;
          const id = (await this.findByUuid(resource, [body.uuid])).get(body.uuid);
          if (id !== undefined) return { id };
          throw error; // not there: it was never created, send it again
        }
      },
      { retriable: isAmbiguous },
    );
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
    return bodyOf(call, await exchange(call, `${this.#base}${path}`, init, this.#http)) as T;
  }
}
