import { ConfigError } from '../../errors.js';
import { bodyOf, errorReason, exchange, type HttpOptions, type JsonCall } from '../http-json.js';

/**
 * Metabase's REST API as one session: `POST /api/session` gives a session id
 * that every later request sends in `X-Metabase-Session`. Every request is
 * retried with the http policy (http-json.ts); a POST that creates something
 * is sent again only when it certainly was not processed (a re-run of the
 * provisioning finds what a lost answer created, by name or entity id).
 */
export class MetabaseClient {
  readonly #base: string;
  readonly #session: string;
  readonly #http: HttpOptions;

  private constructor(base: string, session: string, http: HttpOptions) {
    this.#base = base;
    this.#session = session;
    this.#http = http;
  }

  get url(): string {
    return this.#base;
  }

  static async login(url: string, user: string, password: string, http: HttpOptions = {}): Promise<MetabaseClient> {
    const base = url.replace(/\/+$/, '');
    // a login only opens a session: sending it twice is harmless
    const call: JsonCall = { tool: 'Metabase', base, what: 'POST /api/session', replayable: true };
    const answer = await exchange(call, `${base}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password }) }, http);
    if (answer.status === 401 || answer.status === 400) {
      const reason = errorReason(answer.body);
      throw new ConfigError(`Metabase at ${base} rejected the login of "${user}"${reason ? `: ${reason}` : ''}`);
    }
    const body = bodyOf(call, answer) as { id?: string };
    if (typeof body.id !== 'string') throw new ConfigError(`Metabase at ${base} answered the login without a session id: is this a Metabase?`);
    return new MetabaseClient(base, body.id, http);
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
    const call: JsonCall = { tool: 'Metabase', base: this.#base, what: `${method} ${path}` };
    return bodyOf(call, await exchange(call, `${this.#base}${path}`, init, this.#http)) as T;
  }
}
