import type { Chart, ChartOf, Format, Metric } from '../definition/definition.js';

/**
 * A chart of the definition as Superset stores it: the viz type, the form
 * data its frontend draws from (`params`), and the query context that the
 * chart-data API (`GET /api/v1/chart/{id}/data/`), reports and alerts run.
 * The query context asks for the plotted rows without the frontend's
 * pivoting, one row per (x, series): the rows of the dataset, aggregated by
 * an identity sum.
 */
export interface SupersetChart {
  readonly vizType: string;
  readonly params: Record<string, unknown>;
  readonly queryContext: Record<string, unknown>;
}

const NUMBER_FORMATS: Readonly<Record<Format, string>> = { usd: '$,.2f', integer: ',d', decimal: ',.2f' };
const ROW_LIMIT = 10_000;

function adhocMetric(chartKey: string, metric: Metric): Record<string, unknown> {
  return {
    expressionType: 'SIMPLE',
    column: { column_name: metric.column },
    aggregate: 'SUM',
    sqlExpression: null,
    label: metric.label,
    hasCustomLabel: true,
    optionName: `metric_${chartKey}_${metric.column}`,
  };
}

/** The x axis as the frontend sends it: the day column at day grain. */
function baseAxis(column: string): Record<string, unknown> {
  return { timeGrain: 'P1D', columnType: 'BASE_AXIS', sqlExpression: column, label: column, expressionType: 'SQL', isColumnReference: true };
}

function queryContext(datasetId: number, params: Record<string, unknown>, query: Record<string, unknown>, timeGrain = false): Record<string, unknown> {
  return {
    datasource: { id: datasetId, type: 'table' },
    force: false,
    queries: [
      {
        filters: [],
        extras: { ...(timeGrain ? { time_grain_sqla: 'P1D' } : {}), having: '', where: '' },
        applied_time_extras: {},
        annotation_layers: [],
        row_limit: ROW_LIMIT,
        series_limit: 0,
        order_desc: true,
        url_params: {},
        custom_params: {},
        custom_form_data: {},
        time_offsets: [],
        post_processing: [],
        ...query,
      },
    ],
    form_data: params,
    result_format: 'json',
    result_type: 'full',
  };
}

function bigNumber(chart: ChartOf<'big_number'>, datasetId: number): SupersetChart {
  const metric = chart.metrics[0]!;
  const params = {
    datasource: `${datasetId}__table`,
    viz_type: 'big_number',
    x_axis: chart.x,
    time_grain_sqla: 'P1D',
    metric: adhocMetric(chart.key, metric),
    adhoc_filters: [],
    compare_lag: 1,
    compare_suffix: 'vs previous day',
    show_timestamp: true,
    show_trend_line: true,
    start_y_axis_at_zero: true,
    rolling_type: 'None',
    header_font_size: 0.3,
    subheader_font_size: 0.125,
    y_axis_format: NUMBER_FORMATS[metric.format],
    time_format: '%Y-%m-%d',
    extra_form_data: {},
  };
  const query = { columns: [baseAxis(chart.x)], metrics: [adhocMetric(chart.key, metric)], orderby: [[baseAxis(chart.x), true]] };
  return { vizType: 'big_number', params, queryContext: queryContext(datasetId, params, query, true) };
}

function timeseries(chart: ChartOf<'bar'> | ChartOf<'line'>, datasetId: number): SupersetChart {
  const vizType = chart.kind === 'bar' ? 'echarts_timeseries_bar' : 'echarts_timeseries_line';
  const metrics = chart.metrics.map((m) => adhocMetric(chart.key, m));
  const groupby = chart.series ? [chart.series] : [];
  const params = {
    datasource: `${datasetId}__table`,
    viz_type: vizType,
    x_axis: chart.x,
    time_grain_sqla: 'P1D',
    x_axis_sort_asc: true,
    metrics,
    groupby,
    adhoc_filters: [],
    order_desc: true,
    row_limit: ROW_LIMIT,
    truncate_metric: true,
    show_empty_columns: true,
    comparison_type: 'values',
    annotation_layers: [],
    orientation: 'vertical',
    stack: chart.kind === 'bar' && chart.stacked ? 'Stack' : null,
    only_total: true,
    show_legend: true,
    legendType: 'scroll',
    legendOrientation: 'top',
    rich_tooltip: true,
    tooltipTimeFormat: '%Y-%m-%d',
    x_axis_time_format: '%Y-%m-%d',
    y_axis_format: NUMBER_FORMATS[chart.metrics[0]!.format],
    y_axis_bounds: [null, null],
    markerEnabled: chart.kind === 'line',
    color_scheme: 'supersetColors',
    extra_form_data: {},
  };
  const query = {
    columns: [baseAxis(chart.x), ...groupby],
    series_columns: groupby,
    metrics,
    orderby: [[baseAxis(chart.x), true], ...groupby.map((g) => [g, true])],
  };
  return { vizType, params, queryContext: queryContext(datasetId, params, query, true) };
}

function table(chart: ChartOf<'table'>, datasetId: number): SupersetChart {
  const columns = chart.columns.map((c) => c.column);
  const orderby = chart.order_by.map((o) => [o.column, !o.descending]);
  const columnConfig: Record<string, Record<string, unknown>> = {};
  for (const c of chart.columns) {
    columnConfig[c.column] = { customColumnName: c.label, ...(c.format ? { d3NumberFormat: NUMBER_FORMATS[c.format] } : {}) };
  }
  const params = {
    datasource: `${datasetId}__table`,
    viz_type: 'table',
    query_mode: 'raw',
    all_columns: columns,
    order_by_cols: orderby.map((o) => JSON.stringify(o)),
    adhoc_filters: [],
    row_limit: ROW_LIMIT,
    server_pagination: false,
    server_page_length: 10,
    page_length: 0,
    include_search: false,
    show_cell_bars: false,
    table_timestamp_format: '%Y-%m-%d',
    column_config: columnConfig,
    extra_form_data: {},
  };
  const query = { columns, metrics: [], orderby };
  return { vizType: 'table', params, queryContext: queryContext(datasetId, params, query) };
}

export function supersetChart(chart: Chart, datasetId: number): SupersetChart {
  switch (chart.kind) {
    case 'big_number':
      return bigNumber(chart, datasetId);
    case 'bar':
    case 'line':
      return timeseries(chart, datasetId);
    case 'table':
      return table(chart, datasetId);
  }
}
