// What every chart shares: colours, layout, the day axis, tooltips.
import { escapeHtml } from './format.js';

/** One colour per currency on every chart (Okabe–Ito, readable by colour-blind people). */
const COLORS = { 410: '#D55E00', 420: '#0072B2', 430: '#009E73', 440: '#E69F00', 450: '#CC79A7', 460: '#56B4E9', 470: '#B59F00' };
export const colorOf = (code) => COLORS[code] ?? '#888888';

export const POSITIVE = '#2E7D32';
export const NEGATIVE = '#C62828';
export const TOTAL = '#546E7A';

export const BASE = {
  animation: false,
  textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
  grid: { left: 12, right: 16, top: 40, bottom: 8, containLabel: true },
};

/** A legend that wraps onto a second line rather than paging (a paged legend hides names behind arrows). */
export const legend = (extra = {}) => ({ type: 'plain', top: 0, left: 0, itemGap: 8, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 }, ...extra });

/** A category axis of every day of the range (days without data stay as gaps). */
export function dayAxis(days) {
  return { type: 'category', data: days, axisLabel: { formatter: (d) => d.slice(5), hideOverlap: true }, axisTick: { alignWithLabel: true } };
}

export function tooltipRows(title, rows, footer) {
  const lines = rows.map(([marker, name, value]) => `<div class="tt-row">${marker}<span class="tt-name">${escapeHtml(name)}</span><span class="tt-value">${escapeHtml(value)}</span></div>`);
  return `<div class="tt"><div class="tt-title">${escapeHtml(title)}</div>${lines.join('')}${footer ? `<div class="tt-foot">${escapeHtml(footer)}</div>` : ''}</div>`;
}

export function dot(color) {
  return `<span class="tt-dot" style="background:${color}"></span>`;
}

/** An axis tooltip: the day, one line per series that has a value, an optional footer of the day. */
export function axisTooltip(format, { pointer = 'shadow', footer = () => '' } = {}) {
  return {
    trigger: 'axis',
    axisPointer: { type: pointer },
    formatter: (items) => {
      const day = items[0]?.axisValue;
      const rows = items.filter((i) => i.value !== null && i.value !== undefined).map((i) => [dot(i.color), i.seriesName, format(i.value)]);
      return tooltipRows(day, rows, footer(day));
    },
  };
}

export function byCurrencyAndDay(rows, pick) {
  const map = new Map();
  for (const row of rows) map.set(`${row.currency}|${row.day}`, pick(row));
  return map;
}

export function currenciesIn(rows) {
  return [...new Set(rows.map((r) => r.currency))].sort((a, b) => a - b);
}
