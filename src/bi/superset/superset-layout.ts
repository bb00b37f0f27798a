import { rowWidths, type Definition } from '../definition/definition.js';

/** Superset's dashboard grid: 12 columns, heights in units of 8 px. */
const GRID_COLUMNS = 12;
const UNITS_PER_HEIGHT = 13; // one definition height ≈ 100 px

export interface PlacedChart {
  readonly id: number;
  readonly uuid: string;
  readonly title: string;
}

/**
 * `position_json` of the dashboard (layout v2): the definition's rows, each
 * chart referenced by its id and its uuid. Component ids derive from the
 * definition's keys, so the same definition always gives the same layout.
 */
export function supersetPositions(definition: Definition, charts: ReadonlyMap<string, PlacedChart>): Record<string, unknown> {
  const positions: Record<string, unknown> = {
    DASHBOARD_VERSION_KEY: 'v2',
    ROOT_ID: { type: 'ROOT', id: 'ROOT_ID', children: ['GRID_ID'] },
    HEADER_ID: { type: 'HEADER', id: 'HEADER_ID', meta: { text: definition.dashboard.title } },
  };
  const rows: string[] = [];
  definition.layout.forEach((row, r) => {
    const rowId = `ROW-${r + 1}`;
    rows.push(rowId);
    const share = rowWidths(row.charts.length, GRID_COLUMNS);
    const children = row.charts.map((key, i) => {
      const chart = charts.get(key)!;
      const id = `CHART-${key}`;
      positions[id] = {
        type: 'CHART',
        id,
        children: [],
        parents: ['ROOT_ID', 'GRID_ID', rowId],
        meta: { width: share[i], height: row.height * UNITS_PER_HEIGHT, chartId: chart.id, uuid: chart.uuid, sliceName: chart.title },
      };
      return id;
    });
    positions[rowId] = { type: 'ROW', id: rowId, children, parents: ['ROOT_ID', 'GRID_ID'], meta: { background: 'BACKGROUND_TRANSPARENT' } };
  });
  positions.GRID_ID = { type: 'GRID', id: 'GRID_ID', children: rows, parents: ['ROOT_ID'] };
  return positions;
}

/** The dashboard's metadata keys that turnover owns (others, such as Superset's own defaults, are left alone). */
export function supersetMetadata(): Record<string, unknown> {
  return {
    color_scheme: 'supersetColors',
    refresh_frequency: 0,
    cross_filters_enabled: false,
    native_filter_configuration: [],
    timed_refresh_immune_slices: [],
    expanded_slices: {},
  };
}
