import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A fake of the slice of Metabase's REST API that `turnover bi metabase
 * provision` uses, built from Metabase's own endpoint definitions (session,
 * database, collection, card and dashboard APIs): the same paths, the same
 * request validation (required keys, positive sizes, negative ids for new
 * dashcards), the same answer shapes (`{data: [...]}` lists, masked
 * passwords, `{errors: {...}}` on a failed login). Metabase itself cannot be
 * installed here; this records every request so tests can assert the exact
 * sequence a fresh instance and a re-run receive.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

type Json = Record<string, unknown>;

const PASSWORD_MASK = '**MetabasePass**';
const NANO_ID = /^[A-Za-z0-9_-]{21}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

function nanoId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 21);
}

function requireKeys(body: Json, keys: string[]): void {
  for (const key of keys) {
    const value = body[key];
    if (value === undefined || value === null || value === '') throw new HttpError(400, { errors: { [key]: 'value must be a non-blank string.' }, specific_errors: {} });
  }
}

function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FakeMetabase {
  readonly requests: RecordedRequest[] = [];
  readonly databases = new Map<number, Json>();
  readonly collections = new Map<number, Json>();
  readonly cards = new Map<number, Json>();
  readonly dashboards = new Map<number, Json>();
  #nextId = 100;
  #dashcardId = 1000;
  #sessions = new Set<string>();
  #server: Server | undefined;
  #url = '';

  constructor(
    readonly user: string,
    readonly password: string,
  ) {
    // every Metabase has the admin's personal collection: it must never be taken for ours
    this.collections.set(1, { id: 1, name: `${user}'s Personal Collection`, personal_owner_id: 1, location: '/', archived: false, entity_id: nanoId() });
  }

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', () => resolve()));
    this.#url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** `METHOD /path` of every request since the last call, ids replaced by `:id`. */
  takeSequence(): string[] {
    const sequence = this.requests.map((r) => `${r.method} ${r.path.replace(/\/\d+(?=\/|$|\?)/g, '/:id')}`);
    this.requests.length = 0;
    return sequence;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    this.requests.push({ method, path: `${url.pathname}${url.search}`, body });
    try {
      const answer = this.#route(method, url, body as Json, req.headers['x-metabase-session']);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, { message: String(error) });
      res.writeHead(e.status, { 'Content-Type': typeof e.body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof e.body === 'string' ? e.body : JSON.stringify(e.body));
    }
  }

  #route(method: string, url: URL, body: Json, session: string | string[] | undefined): unknown {
    const path = url.pathname;
    if (method === 'POST' && path === '/api/session') return this.#login(body);
    if (typeof session !== 'string' || !this.#sessions.has(session)) throw new HttpError(401, 'Unauthenticated');
    const id = Number(/\/(\d+)(?:\/|$)/.exec(path)?.[1]);
    const route = `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    switch (route) {
      case 'GET /api/database':
        return { data: [...this.databases.values()].map((d) => this.#maskedDatabase(d)), total: this.databases.size };
      case 'POST /api/database':
        return this.#saveDatabase(undefined, body);
      case 'GET /api/database/:id':
        return this.#maskedDatabase(this.#get(this.databases, id));
      case 'PUT /api/database/:id':
        return this.#saveDatabase(id, body);
      case 'GET /api/collection':
        return [...this.collections.values()];
      case 'POST /api/collection':
        return this.#createCollection(body);
      case 'GET /api/collection/:id/items':
        return this.#items(id, url.searchParams.getAll('models'));
      case 'POST /api/card':
        return this.#saveCard(undefined, body);
      case 'GET /api/card/:id':
        return this.#get(this.cards, id);
      case 'PUT /api/card/:id':
        return this.#saveCard(id, body);
      case 'POST /api/dashboard':
        return this.#createDashboard(body);
      case 'GET /api/dashboard/:id':
        return this.#get(this.dashboards, id);
      case 'PUT /api/dashboard/:id':
        return this.#updateDashboard(id, body);
      default:
        throw new HttpError(404, 'API endpoint does not exist.');
    }
  }

  #login(body: Json): Json {
    requireKeys(body ?? {}, ['username', 'password']);
    if (body.username !== this.user || body.password !== this.password) {
      throw new HttpError(401, { errors: { password: 'did not match stored password' } });
    }
    const id = randomUUID();
    this.#sessions.add(id);
    return { id };
  }

  #get(store: Map<number, Json>, id: number): Json {
    const found = store.get(id);
    if (!found) throw new HttpError(404, 'Not found.');
    return found;
  }

  #maskedDatabase(database: Json): Json {
    const details = { ...(database.details as Json) };
    if (details.password !== undefined) details.password = PASSWORD_MASK;
    return { ...database, details };
  }

  #saveDatabase(id: number | undefined, body: Json): Json {
    requireKeys(body, ['name', 'engine']);
    if (!isMap(body.details)) throw new HttpError(400, { errors: { details: 'value must be a map.' } });
    if (!['postgres', 'vertica'].includes(String(body.engine))) throw new HttpError(400, { errors: { engine: 'value must be a valid database engine.' } });
    const previous = id === undefined ? undefined : this.#get(this.databases, id);
    const details = { ...(body.details as Json) };
    // Metabase connects before it saves; a host that cannot be reached answers like this
    if (String(details.host).endsWith('.invalid')) {
      throw new HttpError(400, { message: `Couldn't connect to the database. Please check the connection details.`, errors: { host: 'check your host settings', port: 'check your port settings' } });
    }
    // a masked password sent back keeps the stored one, as Metabase does
    if (details.password === PASSWORD_MASK || (details.password === undefined && previous)) details.password = (previous?.details as Json | undefined)?.password;
    const saved = { ...(previous ?? {}), id: id ?? this.#nextId++, name: body.name, engine: body.engine, details, is_full_sync: body.is_full_sync ?? true };
    this.databases.set(saved.id as number, saved);
    return this.#maskedDatabase(saved);
  }

  #createCollection(body: Json): Json {
    requireKeys(body, ['name']);
    const parent = body.parent_id === null || body.parent_id === undefined ? '/' : `/${String(body.parent_id)}/`;
    const saved = { id: this.#nextId++, name: body.name, description: body.description ?? null, location: parent, archived: false, personal_owner_id: null, entity_id: nanoId() };
    this.collections.set(saved.id, saved);
    return saved;
  }

  #items(collectionId: number, models: string[]): Json {
    this.#get(this.collections, collectionId);
    const wanted = (model: string) => models.length === 0 || models.includes(model);
    const cards = [...this.cards.values()].filter((c) => c.collection_id === collectionId && !c.archived && wanted('card'));
    const dashboards = [...this.dashboards.values()].filter((d) => d.collection_id === collectionId && !d.archived && wanted('dashboard'));
    const data = [
      ...cards.map((c) => ({ id: c.id, name: c.name, description: c.description, entity_id: c.entity_id, model: 'card', display: c.display })),
      ...dashboards.map((d) => ({ id: d.id, name: d.name, description: d.description, entity_id: d.entity_id, model: 'dashboard' })),
    ];
    return { total: data.length, data, models: models.length ? models : ['card', 'dashboard'], limit: null, offset: null };
  }

  #saveCard(id: number | undefined, body: Json): Json {
    const previous = id === undefined ? undefined : this.#get(this.cards, id);
    if (id === undefined) requireKeys(body, ['name', 'display']);
    for (const key of ['dataset_query', 'visualization_settings']) {
      if ((id === undefined || body[key] !== undefined) && !isMap(body[key])) throw new HttpError(400, { errors: { [key]: 'value must be a map.' } });
    }
    if (body.entity_id !== undefined && (typeof body.entity_id !== 'string' || !NANO_ID.test(body.entity_id))) throw new HttpError(400, { errors: { entity_id: 'invalid NanoID' } });
    if (body.collection_id !== undefined && body.collection_id !== null && !this.collections.has(body.collection_id as number)) throw new HttpError(404, 'Not found.');
    const query = (body.dataset_query ?? previous?.dataset_query) as Json;
    if (query.type !== 'native' || !isMap(query.native) || typeof query.native.query !== 'string' || !this.databases.has(query.database as number)) {
      throw new HttpError(400, { message: 'Invalid query: expected a native query on an existing database' });
    }
    const saved: Json = {
      ...(previous ?? { archived: false, entity_id: body.entity_id ?? nanoId(), type: body.type ?? 'question' }),
      ...Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'entity_id' || id === undefined)),
      id: id ?? this.#nextId++,
      database_id: query.database,
    };
    this.cards.set(saved.id as number, saved);
    return saved;
  }

  #createDashboard(body: Json): Json {
    requireKeys(body, ['name']);
    const saved = { id: this.#nextId++, name: body.name, description: body.description ?? null, collection_id: body.collection_id ?? null, archived: false, dashcards: [], tabs: [], parameters: [], entity_id: nanoId() };
    this.dashboards.set(saved.id, saved);
    return saved;
  }

  #updateDashboard(id: number, body: Json): Json {
    const dashboard = this.#get(this.dashboards, id);
    for (const key of ['name', 'description', 'archived', 'collection_id'] as const) if (body[key] !== undefined) dashboard[key] = body[key];
    if (body.dashcards !== undefined) {
      if (!Array.isArray(body.dashcards)) throw new HttpError(400, { errors: { dashcards: 'value must be a sequence.' } });
      const current = new Map((dashboard.dashcards as Json[]).map((d) => [d.id as number, d]));
      const next: Json[] = [];
      for (const d of body.dashcards as Json[]) {
        const ints = ['id', 'row', 'col', 'size_x', 'size_y'].every((k) => Number.isInteger(d[k]));
        if (!ints || (d.size_x as number) <= 0 || (d.size_y as number) <= 0 || (d.row as number) < 0 || (d.col as number) < 0) {
          throw new HttpError(400, { errors: { dashcards: 'invalid dashcard: id, row, col >= 0, size_x and size_y > 0 required' } });
        }
        if (d.card_id !== null && !this.cards.has(d.card_id as number)) throw new HttpError(404, 'Not found.');
        if ((d.id as number) >= 0 && !current.has(d.id as number)) throw new HttpError(400, { message: `dashcard ${String(d.id)} is not on this dashboard` });
        const kept = (d.id as number) < 0 ? { id: this.#dashcardId++ } : current.get(d.id as number)!;
        next.push({ ...kept, card_id: d.card_id, row: d.row, col: d.col, size_x: d.size_x, size_y: d.size_y, parameter_mappings: d.parameter_mappings ?? [], visualization_settings: d.visualization_settings ?? {}, dashboard_tab_id: null });
      }
      dashboard.dashcards = next;
      dashboard.tabs = body.tabs ?? dashboard.tabs;
    }
    return dashboard;
  }
}
