import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../log/logger.js';
import type { Definition } from '../definition/definition.js';
import { describeTarget, metabaseConnection, type WarehouseTarget } from '../definition/warehouse-target.js';
import { entityId, metabaseCard, metabasePlacements, type MetabaseCard } from './metabase-cards.js';
import { MetabaseClient } from './metabase-client.js';
import { connectionRefused, httpOptions } from '../http-json.js';
import { covers, type ProvisionedObject } from '../report.js';

export type MetabaseObject = ProvisionedObject<'database' | 'collection' | 'card' | 'dashboard'>;

export interface MetabaseProvisionReport {
  readonly url: string;
  readonly dashboardUrl: string;
  readonly objects: readonly MetabaseObject[];
}

export interface MetabaseProvisionOptions {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly definition: Definition;
  readonly target: WarehouseTarget;
  readonly logger: Logger;
  /** How long a request is retried (default: httpPolicy's deadline). */
  readonly retryForMs?: number;
}

interface DatabaseState {
  id: number;
  name: string;
  engine: string;
  details: Record<string, unknown>;
}

interface CollectionState {
  id: number | string;
  name: string;
  location?: string;
  archived?: boolean;
  personal_owner_id?: number | null;
}

interface ItemState {
  id: number;
  name: string;
  model: string;
  entity_id?: string;
}

interface CardState {
  id: number;
  name: string;
  description: string | null;
  display: string;
  archived?: boolean;
  collection_id: number | null;
  visualization_settings: Record<string, unknown>;
  dataset_query: Record<string, unknown>;
}

interface DashcardState {
  id: number;
  card_id: number | null;
  row: number;
  col: number;
  size_x: number;
  size_y: number;
}

interface DashboardState {
  id: number;
  name: string;
  description: string | null;
  archived?: boolean;
  dashcards?: DashcardState[];
  tabs?: unknown[];
}

/** Older Metabase answers lists as arrays, newer ones as `{data: [...]}`. */
function listOf<T>(body: T[] | { data: T[] }): T[] {
  return Array.isArray(body) ? body : body.data;
}

/** The SQL and database of a stored query, in the legacy shape or in MBQL 5 (`stages`). */
function nativeOf(query: Record<string, unknown>): { sql: unknown; database: unknown } {
  const legacy = query.native as { query?: unknown } | undefined;
  const stages = query.stages as { native?: unknown }[] | undefined;
  return { sql: legacy?.query ?? stages?.[0]?.native, database: query.database };
}

/**
 * Creates or updates the definition in Metabase through its REST API: the
 * warehouse database (found by name), a collection of its own (found by name
 * at the root), one native-SQL question per chart (found by an entity id
 * derived from the chart's uuid, so renames update in place) and the
 * dashboard with its cards. Every object is compared with what the
 * definition asks for and written only when it differs: a second run sends
 * no write at all.
 */
export async function provisionMetabase(options: MetabaseProvisionOptions): Promise<MetabaseProvisionReport> {
  const { definition, logger } = options;
  const client = await MetabaseClient.login(options.url, options.user, options.password, httpOptions(options));
  const objects: MetabaseObject[] = [];
  const note = (object: MetabaseObject): void => {
    objects.push(object);
    logger.info({ kind: object.kind, id: object.id, action: object.action }, `Metabase ${object.kind} ${object.name}: ${object.action}`);
  };

  const databaseId = await provisionDatabase(client, options, note);
  const collectionId = await provisionCollection(client, definition, note);
  const items = listOf(await client.get<ItemState[] | { data: ItemState[] }>(`/api/collection/${collectionId}/items?models=card&models=dashboard`));
  const cardIds = new Map<string, number>();
  for (const chart of definition.charts) {
    const card = metabaseCard(definition, chart, databaseId);
    const eid = entityId(chart.uuid);
    const known = items.find((i) => i.model === 'card' && i.entity_id === eid) ?? items.find((i) => i.model === 'card' && !i.entity_id && i.name === card.name);
    cardIds.set(chart.key, await provisionCard(client, card, eid, collectionId, known?.id, note, chart.key));
  }
  const dashboards = items.filter((i) => i.model === 'dashboard');
  const known = dashboards.find((d) => d.name === definition.dashboard.title) ?? (dashboards.length === 1 ? dashboards[0] : undefined);
  const dashboardId = await provisionDashboard(client, definition, collectionId, known?.id, cardIds, note);
  return { url: client.url, dashboardUrl: `${client.url}/dashboard/${dashboardId}`, objects };
}

async function provisionDatabase(client: MetabaseClient, options: MetabaseProvisionOptions, note: (o: MetabaseObject) => void): Promise<number> {
  const name = options.definition.database.name;
  const { engine, details } = metabaseConnection(options.target);
  const base = { kind: 'database' as const, key: 'database', name };
  const existing = listOf(await client.get<DatabaseState[] | { data: DatabaseState[] }>('/api/database')).find((d) => d.name === name);
  if (!existing) {
    // Metabase connects once before it saves: a wrong URL or password fails here.
    const created = await client.post<{ id: number }>('/api/database', { name, engine, details, is_full_sync: false, auto_run_queries: true }).catch(connectionRefused('Metabase', describeTarget(options.target)));
    note({ ...base, id: created.id, action: 'created' });
    return created.id;
  }
  // Metabase never returns a stored password: compare the rest, send the password with any change.
  const { password: _password, ...visible } = details;
  const current = await client.get<DatabaseState>(`/api/database/${existing.id}`);
  const same = current.engine === engine && covers(current.details, visible);
  if (!same) await client.put(`/api/database/${existing.id}`, { name, engine, details }).catch(connectionRefused('Metabase', describeTarget(options.target)));
  note({ ...base, id: existing.id, action: same ? 'unchanged' : 'updated' });
  return existing.id;
}

async function provisionCollection(client: MetabaseClient, definition: Definition, note: (o: MetabaseObject) => void): Promise<number> {
  const name = definition.dashboard.collection;
  const base = { kind: 'collection' as const, key: 'collection', name };
  const all = listOf(await client.get<CollectionState[] | { data: CollectionState[] }>('/api/collection'));
  const existing = all.find((c) => c.name === name && typeof c.id === 'number' && !c.archived && !c.personal_owner_id && (c.location ?? '/') === '/');
  if (existing) {
    note({ ...base, id: existing.id as number, action: 'unchanged' });
    return existing.id as number;
  }
  const created = await client.post<{ id: number }>('/api/collection', { name, description: `${definition.dashboard.title}: provisioned by turnover from ${definition.file.split('/').slice(-2).join('/')}`, parent_id: null });
  note({ ...base, id: created.id, action: 'created' });
  return created.id;
}

async function provisionCard(
  client: MetabaseClient,
  card: MetabaseCard,
  eid: string,
  collectionId: number,
  knownId: number | undefined,
  note: (o: MetabaseObject) => void,
  key: string,
): Promise<number> {
  const base = { kind: 'card' as const, key, name: card.name };
  const body = { ...card, collection_id: collectionId, type: 'question' };
  if (knownId === undefined) {
    const created = await client.post<{ id: number }>('/api/card', { ...body, entity_id: eid });
    note({ ...base, id: created.id, action: 'created' });
    return created.id;
  }
  const current = await client.get<CardState>(`/api/card/${knownId}`);
  const stored = nativeOf(current.dataset_query);
  const same =
    current.name === card.name &&
    (current.description ?? null) === card.description &&
    current.display === card.display &&
    !current.archived &&
    current.collection_id === collectionId &&
    stored.sql === card.dataset_query.native.query &&
    stored.database === card.dataset_query.database &&
    covers(current.visualization_settings, card.visualization_settings);
  if (!same) await client.put(`/api/card/${knownId}`, { ...body, archived: false });
  note({ ...base, id: knownId, action: same ? 'unchanged' : 'updated' });
  return knownId;
}

async function provisionDashboard(
  client: MetabaseClient,
  definition: Definition,
  collectionId: number,
  knownId: number | undefined,
  cardIds: ReadonlyMap<string, number>,
  note: (o: MetabaseObject) => void,
): Promise<number> {
  const { title, description } = definition.dashboard;
  let id = knownId;
  let created = false;
  if (id === undefined) {
    id = (await client.post<{ id: number }>('/api/dashboard', { name: title, description, collection_id: collectionId })).id;
    created = true;
  }
  const current = await client.get<DashboardState>(`/api/dashboard/${id}`);
  const existing = [...(current.dashcards ?? [])];
  // Keep the ids of cards already on the dashboard; new ones get negative ids (Metabase creates
  // them), and any card left out is removed. Tabs are not used: the definition's rows are one page.
  let next = -1;
  const dashcards = metabasePlacements(definition).map((p) => {
    const cardId = cardIds.get(p.key)!;
    const index = existing.findIndex((d) => d.card_id === cardId);
    const reused = index >= 0 ? existing.splice(index, 1)[0]! : undefined;
    return { id: reused?.id ?? next--, card_id: cardId, row: p.row, col: p.col, size_x: p.size_x, size_y: p.size_y, parameter_mappings: [], series: [], visualization_settings: {} };
  });
  const layout = (d: { card_id: number | null; row: number; col: number; size_x: number; size_y: number }) => [d.card_id, d.row, d.col, d.size_x, d.size_y].join('/');
  const same =
    current.name === title &&
    (current.description ?? '') === description &&
    !current.archived &&
    (current.tabs ?? []).length === 0 &&
    isDeepStrictEqual((current.dashcards ?? []).map(layout).sort(), dashcards.map(layout).sort());
  if (!same) await client.put(`/api/dashboard/${id}`, { name: title, description, archived: false, dashcards, tabs: [] });
  note({ kind: 'dashboard', key: 'dashboard', name: title, id, action: created ? 'created' : same ? 'unchanged' : 'updated' });
  return id;
}
