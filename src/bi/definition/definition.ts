import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../errors.js';
import { PACKAGE_ROOT } from '../../paths.js';
import { definitionSchema, type DefinitionInput } from './schema.js';

/** The definition shipped with the package: the one dashboard both BI tools get. */
export const DEFAULT_DEFINITION = join(PACKAGE_ROOT, 'bi', 'turnover.yaml');

export type Format = 'usd' | 'integer' | 'decimal';

export interface Metric {
  readonly column: string;
  readonly label: string;
  readonly format: Format;
}

export interface Dataset {
  readonly key: string;
  readonly uuid: string;
  /** The dataset's name in the BI tool (Superset table_name). */
  readonly name: string;
  readonly description: string;
  /** Path of the SQL file, as written in the definition. */
  readonly sqlFile: string;
  /** The statement: portable SQL over cdm.*, comments included. */
  readonly sql: string;
  readonly timeColumn: string | undefined;
}

type ChartInput = DefinitionInput['charts'][string];
export type Chart = ChartInput & { readonly key: string };
export type ChartOf<K extends Chart['kind']> = Extract<Chart, { kind: K }>;

export interface LayoutRow {
  readonly height: number;
  readonly charts: readonly string[];
}

export interface Definition {
  readonly file: string;
  readonly database: DefinitionInput['database'];
  readonly dashboard: DefinitionInput['dashboard'];
  readonly datasets: ReadonlyMap<string, Dataset>;
  /** In layout order, top to bottom, left to right. */
  readonly charts: readonly Chart[];
  readonly layout: readonly LayoutRow[];
}

/**
 * Reads, validates and freezes a definition: the YAML's shape (zod), then what
 * a schema cannot say — every chart's dataset exists, every chart is placed
 * exactly once, uuids and names are unique, every SQL file is readable.
 */
export function loadDefinition(file: string = DEFAULT_DEFINITION): Definition {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the BI definition ${path}`, error);
  }
  const parsed = definitionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid BI definition ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const input = parsed.data;
  const fail = (message: string): never => {
    throw new ConfigError(`invalid BI definition ${path}: ${message}`);
  };

  const datasets = new Map<string, Dataset>();
  for (const [key, d] of Object.entries(input.datasets)) {
    const sqlPath = resolve(dirname(path), d.sql);
    let sql = '';
    try {
      sql = readFileSync(sqlPath, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`BI definition ${path}: dataset ${key}: cannot read ${d.sql}`, error);
    }
    if (sql.endsWith(';')) fail(`dataset ${key}: ${d.sql} must hold one statement without a trailing ;`);
    datasets.set(key, Object.freeze({ key, uuid: d.uuid, name: d.name, description: d.description, sqlFile: d.sql, sql, timeColumn: d.time_column }));
  }

  const placed = input.layout.flatMap((row) => row.charts);
  for (const key of placed) if (!(key in input.charts)) fail(`layout names chart ${key}, which is not defined`);
  const twice = placed.filter((key, i) => placed.indexOf(key) !== i);
  if (twice.length > 0) fail(`chart ${twice[0]} is placed twice in the layout`);
  for (const key of Object.keys(input.charts)) if (!placed.includes(key)) fail(`chart ${key} is not placed in the layout`);

  const charts = placed.map((key) => Object.freeze({ ...input.charts[key]!, key }) as Chart);
  for (const chart of charts) if (!datasets.has(chart.dataset)) fail(`chart ${chart.key} uses dataset ${chart.dataset}, which is not defined`);

  const uuids = [input.database.uuid, input.dashboard.uuid, ...[...datasets.values()].map((d) => d.uuid), ...charts.map((c) => c.uuid)];
  const dupUuid = uuids.find((u, i) => uuids.indexOf(u) !== i);
  if (dupUuid) fail(`uuid ${dupUuid} is used twice`);
  const names = [...datasets.values()].map((d) => d.name);
  const dupName = names.find((n, i) => names.indexOf(n) !== i);
  if (dupName) fail(`dataset name ${dupName} is used twice`);

  return Object.freeze({
    file: path,
    database: Object.freeze(input.database),
    dashboard: Object.freeze(input.dashboard),
    datasets,
    charts: Object.freeze(charts),
    layout: Object.freeze(input.layout.map((row) => Object.freeze({ height: row.height, charts: Object.freeze([...row.charts]) }))),
  });
}

/** Widths of the charts of one layout row on a grid of `columns`: equal shares, the remainder to the first ones. */
export function rowWidths(charts: number, columns: number): number[] {
  const base = Math.floor(columns / charts);
  return Array.from({ length: charts }, (_, i) => base + (i < columns - base * charts ? 1 : 0));
}
