import { ConfigError } from '../../errors.js';
import { errorReason, readAnswer, readBody, send, type JsonCall } from '../http-json.js';

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
    const call: JsonCall = { tool: 'Metabase', base, what: 'POST /api/session' };
    const response = await send(call, `${base}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password }),
    });
    if (response.status === 401 || response.status === 400) {
      const reason = errorReason(await readAnswer(response));
      throw new ConfigError(`Metabase at ${base} rejected the login of "${user}"${reason ? `: ${reason}` : ''}`);
    }
    const body = (await readBody(call, response)) as { id?: string };
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
    const call: JsonCall = { tool: 'Metabase', base: this.#base, what: `${method} ${path}` };
    return (await readBody(call, await send(call, `${this.#base}${path}`, init))) as T;
  }
}
