import { createHash } from 'node:crypto';
import { rowWidths, type Chart, type Definition, type Format } from '../definition/definition.js';

/**
 * A chart of the definition as a Metabase question: a native SQL query (the
 * dataset's SQL as it is) and how to draw its result.
 */
export interface MetabaseCard {
  readonly name: string;
  readonly description: string | null;
  readonly display: string;
  readonly visualization_settings: Record<string, unknown>;
  readonly dataset_query: { type: 'native'; native: { query: string; 'template-tags': Record<string, never> }; database: number };
}

/**
 * Metabase's stable id of a card (a 21-character NanoID it accepts on
 * creation), derived from the chart's uuid: the same chart always has the
 * same entity id, so a later run finds it even after a rename.
 */
export function entityId(uuid: string): string {
  return createHash('sha256').update(`turnover:${uuid}`).digest('base64url').slice(0, 21);
}

function columnFormat(format: Format | undefined): Record<string, unknown> {
  switch (format) {
    case 'usd':
      return { number_style: 'currency', currency: 'USD', currency_style: 'symbol', decimals: 2 };
    case 'integer':
      return { number_style: 'decimal', decimals: 0 };
    case 'decimal':
      return { number_style: 'decimal', decimals: 2 };
    default:
      return {};
  }
}

/** Metabase keys a column's settings by a JSON reference to its name. */
const columnKey = (column: string): string => JSON.stringify(['name', column]);

function settingsOf(chart: Chart): { display: string; settings: Record<string, unknown> } {
  if (chart.kind === 'table') {
    const columnSettings: Record<string, unknown> = {};
    for (const c of chart.columns) columnSettings[columnKey(c.column)] = { column_title: c.label, ...columnFormat(c.format) };
    return {
      display: 'table',
      settings: { 'table.pivot': false, 'table.columns': chart.columns.map((c) => ({ name: c.column, enabled: true })), column_settings: columnSettings },
    };
  }
  const columnSettings: Record<string, unknown> = {};
  for (const m of chart.metrics) columnSettings[columnKey(m.column)] = { column_title: m.label, ...columnFormat(m.format) };
  const dimensions = [chart.x, ...(chart.kind !== 'big_number' && chart.series ? [chart.series] : [])];
  const common = { 'graph.dimensions': dimensions, 'graph.metrics': chart.metrics.map((m) => m.column), column_settings: columnSettings };
  if (chart.kind === 'big_number') {
    // "Trend": the last row's value and its change against the row before
    return { display: 'smartscalar', settings: { ...common, 'scalar.field': chart.metrics[0]!.column } };
  }
  const seriesSettings: Record<string, unknown> = {};
  if (!chart.series) for (const m of chart.metrics) seriesSettings[m.column] = { title: m.label };
  return {
    display: chart.kind,
    settings: {
      ...common,
      'graph.x_axis.title_text': 'Day',
      'graph.y_axis.title_text': chart.metrics.length === 1 ? chart.metrics[0]!.label : 'USD',
      ...(chart.kind === 'bar' && chart.stacked ? { 'stackable.stack_type': 'stacked' } : {}),
      ...(Object.keys(seriesSettings).length > 0 ? { series_settings: seriesSettings } : {}),
    },
  };
}

export function metabaseCard(definition: Definition, chart: Chart, databaseId: number): MetabaseCard {
  const dataset = definition.datasets.get(chart.dataset)!;
  const { display, settings } = settingsOf(chart);
  return {
    name: chart.title,
    description: chart.description || null,
    display,
    visualization_settings: settings,
    dataset_query: { type: 'native', native: { query: dataset.sql, 'template-tags': {} }, database: databaseId },
  };
}

/** Metabase's dashboard grid is 24 columns wide; one definition height ≈ 2 grid rows. */
const GRID_COLUMNS = 24;
const ROWS_PER_HEIGHT = 2;

export interface CardPlacement {
  readonly key: string;
  readonly row: number;
  readonly col: number;
  readonly size_x: number;
  readonly size_y: number;
}

export function metabasePlacements(definition: Definition): CardPlacement[] {
  const placements: CardPlacement[] = [];
  let row = 0;
  for (const line of definition.layout) {
    const widths = rowWidths(line.charts.length, GRID_COLUMNS);
    let col = 0;
    line.charts.forEach((key, i) => {
      const width = widths[i]!;
      placements.push({ key, row, col, size_x: width, size_y: line.height * ROWS_PER_HEIGHT });
      col += width;
    });
    row += line.height * ROWS_PER_HEIGHT;
  }
  return placements;
}
