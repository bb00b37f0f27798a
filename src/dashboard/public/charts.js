// ECharts options built from the API's answers: pure functions, no DOM.
import { axisTooltip, BASE, byCurrencyAndDay, colorOf, currenciesIn, dayAxis, dot, legend, NEGATIVE, tooltipRows } from './chart-kit.js';
import { daysOf, decimal, integer, percent, rate, usd, usdCompact } from './format.js';

export { colorOf } from './chart-kit.js';
export { EFFECTS, effectsByDayOption, waterfallOption } from './driver-charts.js';

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
  // reasons are long words: one per line beside the bars, never paged
  return {
    ...BASE,
    grid: { ...BASE.grid, top: 16, right: reasons.length ? 150 : BASE.grid.right },
    legend: legend({ orient: 'vertical', left: undefined, right: 0, top: 'middle', textStyle: { fontSize: 11 } }),
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
