// Today is a partial day: marked on every chart of days; and the range presets, which end where the default range does.
import { addDays } from './format.js';

const PARTIAL_LINE = {
  silent: true,
  symbol: 'none',
  lineStyle: { type: 'dashed', color: '#B8860B', width: 1.5 },
  label: { formatter: 'so far', position: 'insideEndTop', color: '#8D6E00', fontSize: 11 },
};

/** A point of a partial day drawn faded (bars, line symbols); an empty point stays empty. */
function faded(point) {
  if (point === null || point === undefined) return point;
  const item = typeof point === 'object' && !Array.isArray(point) ? point : { value: point };
  return { ...item, itemStyle: { ...item.itemStyle, opacity: 0.45 } };
}

/**
 * The chart option with its days from `today` on marked as "so far" (a day
 * that is not over holds only part of its transactions): a dashed line
 * labelled "so far" at each, their bars and points faded, "(so far)" beside
 * the day on the axis. Charts whose axis is not days, or without such a day,
 * are returned as they are.
 */
export function markPartialDays(option, today) {
  const axis = Array.isArray(option.xAxis) ? option.xAxis[0] : option.xAxis;
  const days = axis?.type === 'category' && Array.isArray(axis.data) ? axis.data : [];
  const partial = new Set(days.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && d >= today));
  if (!partial.size || !option.series?.length) return option;
  const label = axis.axisLabel?.formatter ?? ((d) => d);
  const series = option.series.map((s, i) => {
    const aligned = Array.isArray(s.data) && s.data.length === days.length;
    const data = aligned ? s.data.map((point, j) => (partial.has(days[j]) ? faded(point) : point)) : s.data;
    return i === 0 ? { ...s, data, markLine: { ...PARTIAL_LINE, data: [...partial].map((d) => ({ xAxis: d })) } } : { ...s, data };
  });
  const xAxis = { ...axis, axisLabel: { ...axis.axisLabel, formatter: (d) => (partial.has(d) ? `${label(d)} (so far)` : label(d)) } };
  return { ...option, xAxis: Array.isArray(option.xAxis) ? [xAxis, ...option.xAxis.slice(1)] : xAxis, series };
}

/**
 * The range a preset stands for ('7d', '30d' or 'mtd'), ending on `end`: the
 * overview's default range end, which the server makes the last day with
 * data and today at the latest; never before the first day with data.
 */
export function presetRange(preset, firstDay, end) {
  const from = preset === 'mtd' ? `${end.slice(0, 8)}01` : addDays(end, preset === '7d' ? -6 : -29);
  return { from: firstDay && from < firstDay && firstDay <= end ? firstDay : from, to: end };
}
