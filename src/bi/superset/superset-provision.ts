import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../log/logger.js';
import type { Dataset, Definition } from '../definition/definition.js';
import { describeTarget, sqlalchemyUri, type WarehouseTarget } from '../definition/warehouse-target.js';
import { supersetChart } from './superset-charts.js';
import { SupersetClient } from './superset-client.js';
import { connectionRefused, httpOptions } from '../http-json.js';
import { covers, type Action, type ProvisionedObject as Reported } from '../report.js';
import { supersetMetadata, supersetPositions, type PlacedChart } from './superset-layout.js';

export type ProvisionedObject = Reported<'database' | 'dataset' | 'chart' | 'dashboard'>;

export interface SupersetProvisionReport {
  readonly url: string;
  readonly dashboardUrl: string;
  readonly dashboardId: number;
  readonly objects: readonly ProvisionedObject[];
}

export interface SupersetProvisionOptions {
  readonly url: string;
  readonly admin: { readonly user: string; readonly password: string };
  readonly definition: Definition;
  readonly target: WarehouseTarget;
  readonly logger: Logger;
  /** How long a request is retried (default: httpPolicy's deadline). */
  readonly retryForMs?: number;
}

type Result<T> = { result: T };

/** The first object of a kind whose column equals the value (a name or slug made by hand before us). */
async function findBy(client: SupersetClient, resource: string, col: string, value: string): Promise<number | undefined> {
  const found = await client.get<Result<{ id: number }[]>>(`/api/v1/${resource}/`, { filters: [{ col, opr: 'eq', value }], columns: ['id'], page_size: 1 });
  return found.result[0]?.id;
}

function parseJson(text: unknown): unknown {
  try {
    return typeof text === 'string' && text !== '' ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * Creates or updates, through Superset's REST API, everything the definition
 * names: the warehouse connection, one virtual dataset per SQL file, the
 * charts and the dashboard. Objects are found again by the definition's
 * uuids (Superset stores them), so a second run finds everything equal and
 * writes nothing, and a changed definition updates the same objects in place.
 * (Superset's ZIP import is not used: a re-import silently keeps stale charts
 * and datasets.)
 */
export async function provisionSuperset(options: SupersetProvisionOptions): Promise<SupersetProvisionReport> {
  const { definition, logger } = options;
  const client = await SupersetClient.login(options.url, options.admin.user, options.admin.password, httpOptions(options));
  const objects: ProvisionedObject[] = [];
  const note = (object: ProvisionedObject): void => {
    objects.push(object);
    logger.info({ kind: object.kind, id: object.id, action: object.action }, `Superset ${object.kind} ${object.name}: ${object.action}`);
  };

  const databaseId = await provisionDatabase(client, options, note);
  const datasetIds = new Map<string, number>();
  const knownDatasets = await client.findByUuid('dataset', [...definition.datasets.values()].map((d) => d.uuid));
  for (const dataset of definition.datasets.values()) {
    datasetIds.set(dataset.key, await provisionDataset(client, dataset, databaseId, knownDatasets.get(dataset.uuid), note));
  }
  const dashboardId = await ensureDashboard(client, definition);
  const placed = new Map<string, PlacedChart>();
  const knownCharts = await client.findByUuid('chart', definition.charts.map((c) => c.uuid));
  for (const chart of definition.charts) {
    const id = await provisionChart(client, chart, datasetIds.get(chart.dataset)!, dashboardId.id, knownCharts.get(chart.uuid), note);
    placed.set(chart.key, { id, uuid: chart.uuid, title: chart.title });
  }
  await provisionLayout(client, definition, dashboardId, placed, note);
  const url = client.url;
  return { url, dashboardUrl: `${url}/superset/dashboard/${definition.dashboard.slug}/`, dashboardId: dashboardId.id, objects };
}

async function provisionDatabase(client: SupersetClient, options: SupersetProvisionOptions, note: (o: ProvisionedObject) => void): Promise<number> {
  const { definition, target } = options;
  const name = definition.database.name;
  // no SQL Lab: the dashboard's datasets are all anyone needs, and an editor would let any Superset user query whatever the login reaches
  const wanted = { database_name: name, sqlalchemy_uri: sqlalchemyUri(target), expose_in_sqllab: false };
  const base = { kind: 'database' as const, key: 'database', name };
  let id = (await client.findByUuid('database', [definition.database.uuid])).get(definition.database.uuid);
  if (id === undefined) {
    const byName = await findBy(client, 'database', 'database_name', name);
    if (byName === undefined) {
      const created = await client.create('database', { ...wanted, uuid: definition.database.uuid }).catch(connectionRefused('Superset', describeTarget(target)));
      note({ ...base, id: created.id, action: 'created' });
      return created.id;
    }
    id = byName; // made by hand under our name: adopt it and give it our uuid
    await client.put(`/api/v1/database/${id}`, { ...wanted, uuid: definition.database.uuid }).catch(connectionRefused('Superset', describeTarget(target)));
    note({ ...base, id, action: 'updated' });
    return id;
  }
  // Superset never returns a stored password, only a mask: compare the URI with the mask in place.
  const current = (await client.get<Result<{ database_name: string; sqlalchemy_uri: string; expose_in_sqllab: boolean }>>(`/api/v1/database/${id}/connection`)).result;
  const same = current.database_name === name && current.sqlalchemy_uri === sqlalchemyUri(target, { masked: true }) && !current.expose_in_sqllab;
  if (!same) await client.put(`/api/v1/database/${id}`, wanted).catch(connectionRefused('Superset', describeTarget(target)));
  note({ ...base, id, action: same ? 'unchanged' : 'updated' });
  return id;
}

interface DatasetState {
  table_name: string;
  sql: string | null;
  description: string | null;
  main_dttm_col: string | null;
  database: { id: number };
}

async function provisionDataset(client: SupersetClient, dataset: Dataset, databaseId: number, knownId: number | undefined, note: (o: ProvisionedObject) => void): Promise<number> {
  const base = { kind: 'dataset' as const, key: dataset.key, name: dataset.name };
  // without a time column of ours, Superset's own choice of main_dttm_col is left alone
  const wanted = { table_name: dataset.name, sql: dataset.sql, description: dataset.description || null, ...(dataset.timeColumn ? { main_dttm_col: dataset.timeColumn } : {}) };
  let id = knownId;
  let action: Action = 'unchanged';
  if (id === undefined) {
    // Superset keeps one dataset per (database, schema, name): adopt one made under our name.
    const existing = await client.get<Result<{ id: number; database: { id: number } }[]>>('/api/v1/dataset/', {
      filters: [{ col: 'table_name', opr: 'eq', value: dataset.name }],
      columns: ['id', 'database.id'],
      page_size: 100,
    });
    id = existing.result.find((d) => d.database.id === databaseId)?.id;
    if (id === undefined) {
      // Creating a virtual dataset runs its SQL once to learn the columns.
      id = (await client.create('dataset', { database: databaseId, table_name: dataset.name, sql: dataset.sql, uuid: dataset.uuid })).id;
      action = 'created';
    } else {
      await client.put(`/api/v1/dataset/${id}`, { uuid: dataset.uuid });
      action = 'updated';
    }
  }
  const current = (await client.get<Result<DatasetState>>(`/api/v1/dataset/${id}`)).result;
  const same = covers(current as unknown as Record<string, unknown>, wanted) && current.database.id === databaseId;
  if (!same) {
    await client.put(`/api/v1/dataset/${id}`, { ...wanted, database_id: databaseId });
    // the SQL may return other columns now: read them again
    await client.put(`/api/v1/dataset/${id}/refresh`, {});
    if (action === 'unchanged') action = 'updated';
  }
  note({ ...base, id, action });
  return id;
}

/** The dashboard must exist before its charts (a chart is linked to it when saved); its layout comes last. */
async function ensureDashboard(client: SupersetClient, definition: Definition): Promise<{ id: number; created: boolean; adopted: boolean }> {
  const { uuid, slug, title } = definition.dashboard;
  const id = (await client.findByUuid('dashboard', [uuid])).get(uuid);
  if (id !== undefined) return { id, created: false, adopted: false };
  const bySlug = await findBy(client, 'dashboard', 'slug', slug);
  if (bySlug !== undefined) {
    await client.put(`/api/v1/dashboard/${bySlug}`, { uuid });
    return { id: bySlug, created: false, adopted: true };
  }
  const created = await client.create('dashboard', { dashboard_title: title, slug, published: true, uuid });
  return { id: created.id, created: true, adopted: false };
}

interface ChartState {
  slice_name: string;
  description: string | null;
  viz_type: string;
  datasource_id: number;
  params: string | null;
  query_context: string | null;
  dashboards: { id: number }[];
}

async function provisionChart(
  client: SupersetClient,
  chart: Definition['charts'][number],
  datasetId: number,
  dashboardId: number,
  knownId: number | undefined,
  note: (o: ProvisionedObject) => void,
): Promise<number> {
  const base = { kind: 'chart' as const, key: chart.key, name: chart.title };
  const shape = supersetChart(chart, datasetId);
  const body = {
    slice_name: chart.title,
    description: chart.description || null,
    viz_type: shape.vizType,
    datasource_id: datasetId,
    datasource_type: 'table',
    params: JSON.stringify(shape.params),
    query_context: JSON.stringify(shape.queryContext),
    query_context_generation: true,
    dashboards: [dashboardId],
  };
  if (knownId === undefined) {
    const created = await client.create('chart', { ...body, uuid: chart.uuid });
    note({ ...base, id: created.id, action: 'created' });
    return created.id;
  }
  const current = (await client.get<Result<ChartState>>(`/api/v1/chart/${knownId}`)).result;
  const same =
    current.slice_name === body.slice_name &&
    (current.description ?? null) === body.description &&
    current.viz_type === body.viz_type &&
    current.datasource_id === datasetId &&
    isDeepStrictEqual(parseJson(current.params), shape.params) &&
    isDeepStrictEqual(parseJson(current.query_context), shape.queryContext) &&
    current.dashboards.some((d) => d.id === dashboardId);
  if (!same) {
    // keep the chart on any other dashboard someone put it on
    const dashboards = [...new Set([dashboardId, ...current.dashboards.map((d) => d.id)])];
    await client.put(`/api/v1/chart/${knownId}`, { ...body, dashboards });
  }
  note({ ...base, id: knownId, action: same ? 'unchanged' : 'updated' });
  return knownId;
}

interface DashboardState {
  dashboard_title: string;
  slug: string | null;
  published: boolean;
  position_json: string | null;
  json_metadata: string | null;
}

async function provisionLayout(
  client: SupersetClient,
  definition: Definition,
  dashboard: { id: number; created: boolean; adopted: boolean },
  charts: ReadonlyMap<string, PlacedChart>,
  note: (o: ProvisionedObject) => void,
): Promise<void> {
  const { title, slug } = definition.dashboard;
  const positions = supersetPositions(definition, charts);
  const metadata = supersetMetadata();
  const current = (await client.get<Result<DashboardState>>(`/api/v1/dashboard/${dashboard.id}`)).result;
  const currentMetadata = (parseJson(current.json_metadata) ?? {}) as Record<string, unknown>;
  const same =
    current.dashboard_title === title &&
    current.slug === slug &&
    current.published &&
    isDeepStrictEqual(parseJson(current.position_json), positions) &&
    covers(currentMetadata, metadata);
  if (!same) {
    // `positions` in the metadata makes Superset set the dashboard's charts from the layout.
    await client.put(`/api/v1/dashboard/${dashboard.id}`, {
      dashboard_title: title,
      slug,
      published: true,
      position_json: JSON.stringify(positions),
      json_metadata: JSON.stringify({ ...currentMetadata, ...metadata, positions }),
    });
  }
  const action: Action = dashboard.created ? 'created' : same && !dashboard.adopted ? 'unchanged' : 'updated';
  note({ kind: 'dashboard', key: 'dashboard', name: title, id: dashboard.id, action });
}
