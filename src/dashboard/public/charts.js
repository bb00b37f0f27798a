// ECharts options built from the API's answers: pure functions, no DOM.
import { daysOf, decimal, escapeHtml, integer, percent, rate, signedUsd, usd, usdCompact } from './format.js';

/** One colour per currency on every chart (Okabe–Ito, readable by colour-blind people). */
const COLORS = { 410: '#D55E00', 420: '#0072B2', 430: '#009E73', 440: '#E69F00', 450: '#CC79A7', 460: '#56B4E9', 470: '#B59F00' };
export const colorOf = (code) => COLORS[code] ?? '#888888';

const POSITIVE = '#2E7D32';
const NEGATIVE = '#C62828';
const TOTAL = '#546E7A';

const BASE = {
  animation: false,
  textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
  grid: { left: 12, right: 16, top: 40, bottom: 8, containLabel: true },
};

const legend = (extra = {}) => ({ type: 'scroll', top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 }, ...extra });

/** A category axis of every day of the range (days without data stay as gaps). */
function dayAxis(days) {
  return { type: 'category', data: days, axisLabel: { formatter: (d) => d.slice(5), hideOverlap: true }, axisTick: { alignWithLabel: true } };
}

function tooltipRows(title, rows, footer) {
  const lines = rows.map(([marker, name, value]) => `<div class="tt-row">${marker}<span class="tt-name">${escapeHtml(name)}</span><span class="tt-value">${escapeHtml(value)}</span></div>`);
  return `<div class="tt"><div class="tt-title">${escapeHtml(title)}</div>${lines.join('')}${footer ? `<div class="tt-foot">${escapeHtml(footer)}</div>` : ''}</div>`;
}

function dot(color) {
  return `<span class="tt-dot" style="background:${color}"></span>`;
}

/** An axis tooltip: the day, one line per series that has a value, an optional footer of the day. */
function axisTooltip(format, { pointer = 'shadow', footer = () => '' } = {}) {
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

function byCurrencyAndDay(rows, pick) {
  const map = new Map();
  for (const row of rows) map.set(`${row.currency}|${row.day}`, pick(row));
  return map;
}

function currenciesIn(rows) {
  return [...new Set(rows.map((r) => r.currency))].sort((a, b) => a - b);
}

/** Stacked bars of a per-currency measure, one series per currency, for every day of the range. */
function stackedByCurrency({ metrics, range, iso, pick, format, axisFormat, total }) {
  const days = daysOf(range.from, range.to);
  const built = new Set(metrics.builtDays);
  const values = byCurrencyAndDay(metrics.rows, pick);
  const currencies = currenciesIn(metrics.rows);
  const series = currencies.map((code) => ({
    name: iso(code),
    type: 'bar',
    stack: 'currencies',
    barMaxWidth: 42,
    itemStyle: { color: colorOf(code) },
    emphasis: { focus: 'series' },
    // a built day without a row had none (0); a day not built is unknown (gap)
    data: days.map((day) => (values.has(`${code}|${day}`) ? values.get(`${code}|${day}`) : built.has(day) ? 0 : null)),
  }));
  if (total) {
    const totals = new Map(metrics.days.map((d) => [d.day, total(d)]));
    series.push({
      name: 'Total',
      type: 'line',
      symbol: 'circle',
      symbolSize: 6,
      z: 5,
      itemStyle: { color: '#263238' },
      lineStyle: { width: 2 },
      data: days.map((day) => (totals.has(day) ? totals.get(day) : null)),
    });
  }
  return {
    ...BASE,
    legend: legend(),
    tooltip: axisTooltip(format, {
      footer: (day) => {
        const missing = metrics.rows.filter((r) => r.day === day && pick(r) === null).map((r) => iso(r.currency));
        return missing.length ? `no USD rate: ${missing.join(', ')} (not in the total)` : built.has(day) ? '' : 'day not built';
      },
    }),
    xAxis: dayAxis(days),
    yAxis: { type: 'value', axisLabel: { formatter: axisFormat } },
    series,
  };
}

export function turnoverOption(metrics, range, iso) {
  return stackedByCurrency({ metrics, range, iso, pick: (r) => r.amountUsd, format: usd, axisFormat: usdCompact, total: (d) => d.amountUsd });
}

export function transactionsOption(metrics, range, iso) {
  return stackedByCurrency({ metrics, range, iso, pick: (r) => r.transactions, format: integer, axisFormat: integer });
}

export function accountsOption(metrics, range, iso) {
  return stackedByCurrency({ metrics, range, iso, pick: (r) => r.accounts, format: integer, axisFormat: integer });
}

export function averageOption(metrics, range, iso) {
  const days = daysOf(range.from, range.to);
  const values = byCurrencyAndDay(metrics.rows, (r) => r.avgTransactionsPerAccount);
  return {
    ...BASE,
    legend: legend(),
    tooltip: axisTooltip((v) => decimal(v, 4), { pointer: 'line' }),
    xAxis: dayAxis(days),
    yAxis: { type: 'value', min: (v) => Math.max(0, Math.floor((v.min - 0.05) * 10) / 10), axisLabel: { formatter: (v) => decimal(v, 2) } },
    series: currenciesIn(metrics.rows).map((code) => ({
      name: iso(code),
      type: 'line',
      connectNulls: false,
      symbolSize: 6,
      itemStyle: { color: colorOf(code) },
      data: days.map((day) => values.get(`${code}|${day}`) ?? null),
    })),
  };
}

export const EFFECTS = [
  ['accounts', 'Accounts'],
  ['frequency', 'Frequency'],
  ['ticket', 'Ticket'],
  ['fx', 'FX'],
  ['entryExit', 'Entry / exit'],
];

const cents = (value) => Math.round((value ?? 0) * 100);

/**
 * The waterfall of one day: the previous day's total, each effect as a
 * floating bar from the running total, this day's total. Bars are drawn by a
 * custom series from [index, start, end, delta]: start/end in cents-exact
 * running sums, so the bars add up to the change as the mart does.
 */
export function waterfallOption(driverDay, rows, iso) {
  const w = driverDay.selected;
  const items = [];
  let running = cents(w.turnoverPrevUsd);
  items.push({ name: driverDay.previousDay, value: [0, 0, running / 100, running / 100, 'total'], itemStyle: { color: TOTAL } });
  EFFECTS.forEach(([key, label], i) => {
    const delta = cents(w.effects[key]);
    items.push({ name: label, value: [i + 1, running / 100, (running + delta) / 100, delta / 100, key], itemStyle: { color: delta >= 0 ? POSITIVE : NEGATIVE } });
    running += delta;
  });
  items.push({ name: driverDay.day, value: [EFFECTS.length + 1, 0, cents(w.turnoverUsd) / 100, cents(w.turnoverUsd) / 100, 'total'], itemStyle: { color: TOTAL } });
  const ofDay = rows.filter((r) => r.day === driverDay.day);
  return {
    ...BASE,
    grid: { ...BASE.grid, top: 28 },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const [, , end, delta, key] = p.value;
        if (key === 'total') {
          const pick = p.value[0] === 0 ? (r) => r.turnoverPrevUsd : (r) => r.turnoverUsd;
          const parts = ofDay.filter((r) => r.kind !== 'excluded' && pick(r)).map((r) => [dot(colorOf(r.currency)), iso(r.currency), usd(pick(r))]);
          return tooltipRows(`Total ${p.name}: ${usd(end)}`, parts);
        }
        const parts = ofDay.filter((r) => cents(r.effects[key]) !== 0).map((r) => [dot(colorOf(r.currency)), iso(r.currency), signedUsd(r.effects[key])]);
        return tooltipRows(`${p.name} effect: ${signedUsd(delta)}`, parts.length ? parts : [['', 'no currency', signedUsd(0)]], 'by currency');
      },
    },
    xAxis: { type: 'category', data: items.map((i) => i.name), axisLabel: { interval: 0, fontSize: 11 } },
    yAxis: { type: 'value', axisLabel: { formatter: usdCompact } },
    series: [
      {
        name: 'waterfall',
        type: 'custom',
        encode: { x: 0, y: [1, 2] },
        data: items,
        renderItem: (params, api) => {
          const x = api.value(0);
          const low = api.coord([x, api.value(1)]);
          const high = api.coord([x, api.value(2)]);
          const width = api.size([1, 0])[0] * 0.56;
          const delta = api.value(3);
          const top = Math.min(low[1], high[1]);
          const label = api.value(4) === 'total' ? usdCompact(delta) : `${delta >= 0 ? '+' : '\u2212'}${usdCompact(Math.abs(delta))}`;
          return {
            type: 'rect',
            shape: { x: low[0] - width / 2, y: top, width, height: Math.max(1, Math.abs(low[1] - high[1])) },
            style: { fill: api.visual('color') },
            textContent: { style: { text: label, fill: '#37474F', fontSize: 11, fontWeight: 600 } },
            textConfig: { position: 'top', distance: 4 },
          };
        },
      },
    ],
  };
}

/** Every day's change split into effects (stacked, positive up, negative down), with the change as a line. */
export function effectsByDayOption(drivers, range) {
  const days = daysOf(range.from, range.to);
  const byDay = new Map(drivers.days.map((d) => [d.day, d.selected]));
  const palette = { accounts: '#3949AB', frequency: '#8E24AA', ticket: '#00897B', fx: '#F4511E', entryExit: '#6D4C41' };
  return {
    ...BASE,
    legend: legend(),
    tooltip: axisTooltip(signedUsd),
    xAxis: dayAxis(days),
    yAxis: { type: 'value', axisLabel: { formatter: usdCompact } },
    series: [
      ...EFFECTS.map(([key, label]) => ({
        name: label,
        type: 'bar',
        stack: 'effects',
        barMaxWidth: 36,
        itemStyle: { color: palette[key] },
        data: days.map((day) => (byDay.has(day) ? byDay.get(day).effects[key] : null)),
      })),
      {
        name: 'Change',
        type: 'line',
        symbol: 'diamond',
        symbolSize: 8,
        z: 5,
        itemStyle: { color: '#212121' },
        lineStyle: { type: 'dashed' },
        data: days.map((day) => (byDay.has(day) ? byDay.get(day).changeUsd : null)),
      },
    ],
  };
}

export function mixOption(mix, iso) {
  const rows = mix.rows.filter((r) => r.amountUsd !== null && r.amountUsd > 0);
  const byName = new Map(mix.rows.map((r) => [iso(r.currency), r]));
  return {
    ...BASE,
    legend: legend({ orient: 'vertical', left: 0, top: 'middle', type: 'plain' }),
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const r = byName.get(p.name);
        return tooltipRows(p.name, [
          ['', 'USD turnover', usd(r.amountUsd)],
          ['', 'share', percent(r.share)],
          ['', 'transactions', integer(r.transactions)],
        ], r.daysWithoutRate ? `${r.daysWithoutRate} day(s) without a USD rate, not counted` : '');
      },
    },
    series: [
      {
        name: 'currency mix',
        type: 'pie',
        radius: ['42%', '72%'],
        center: ['60%', '52%'],
        avoidLabelOverlap: true,
        minShowLabelAngle: 4,
        label: { formatter: (p) => `${p.name} ${percent(byName.get(p.name).share)}`, fontSize: 11 },
        data: rows.map((r) => ({ name: iso(r.currency), value: r.amountUsd, itemStyle: { color: colorOf(r.currency) } })),
      },
    ],
  };
}

/** USD rate per currency and day, stale quotes marked; a log scale when rates differ widely (RUB and GBP: 70-fold). */
export function ratesOption(rates, range, iso) {
  const days = daysOf(range.from, range.to);
  const rows = rates.rows.filter((r) => r.currency !== 420 && r.rate !== null);
  const values = byCurrencyAndDay(rows, (r) => r);
  const currencies = currenciesIn(rows);
  const stale = rows.filter((r) => r.status === 'stale');
  const positive = rows.map((r) => r.rate).filter((v) => v > 0);
  const wide = positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 20;
  return {
    ...BASE,
    legend: legend(),
    tooltip: {
      trigger: 'axis',
      formatter: (items) => {
        const day = items[0]?.axisValue;
        const lines = items
          .filter((i) => i.seriesName !== 'stale (earlier quote)' && i.value !== null && i.value !== undefined)
          .map((i) => {
            const row = values.get(`${currencies.find((c) => iso(c) === i.seriesName)}|${day}`);
            return [dot(i.color), i.seriesName, `${rate(row?.rate)}${row?.status === 'stale' ? ` (stale: quote of ${row.rateDay})` : ''}`];
          });
        const missing = rates.rows.filter((r) => r.day === day && r.status === 'missing').map((r) => iso(r.currency));
        return tooltipRows(`USD per unit, ${day}`, lines, missing.length ? `missing: ${missing.join(', ')}` : '');
      },
    },
    xAxis: dayAxis(days),
    yAxis: wide ? { type: 'log', logBase: 10, axisLabel: { formatter: (v) => rate(v) } } : { type: 'value', scale: true, boundaryGap: ['8%', '8%'], axisLabel: { formatter: (v) => rate(v) } },
    series: [
      ...currencies.map((code) => ({
        name: iso(code),
        type: 'line',
        symbolSize: 5,
        itemStyle: { color: colorOf(code) },
        data: days.map((day) => values.get(`${code}|${day}`)?.rate ?? null),
      })),
      {
        name: 'stale (earlier quote)',
        type: 'scatter',
        symbol: 'triangle',
        symbolSize: 13,
        z: 6,
        itemStyle: { color: '#FFFFFF', borderColor: NEGATIVE, borderWidth: 2 },
        data: stale.map((r) => ({ value: [r.day, r.rate], name: iso(r.currency) })),
      },
    ],
  };
}

/** Rejected messages per day, stacked by reason. */
export function rejectsOption(quality, range) {
  const days = daysOf(range.from, range.to);
  const rejects = quality.rows.filter((r) => r.metric === 'rejects');
  const reasons = [...new Set(rejects.map((r) => r.dimension))].sort();
  const values = new Map(rejects.map((r) => [`${r.dimension}|${r.day}`, r.value]));
  const palette = ['#C62828', '#EF6C00', '#6A1B9A', '#283593', '#00838F', '#558B2F', '#4E342E', '#AD1457'];
  return {
    ...BASE,
    legend: legend(),
    tooltip: axisTooltip(integer),
    graphic: reasons.length ? [] : [{ type: 'text', left: 'center', top: 'middle', style: { text: 'no rejected messages in this range', fill: '#607D8B', fontSize: 13 } }],
    xAxis: dayAxis(days),
    yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: integer } },
    series: reasons.map((reason, i) => ({
      name: reason,
      type: 'bar',
      stack: 'rejects',
      barMaxWidth: 36,
      itemStyle: { color: palette[i % palette.length] },
      data: days.map((day) => values.get(`${reason}|${day}`) ?? null),
    })),
  };
}
