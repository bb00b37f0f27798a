// The drivers of the day-over-day change: the waterfall of a day and the effects of every day.
import { axisTooltip, BASE, colorOf, dayAxis, dot, legend, NEGATIVE, POSITIVE, TOTAL, tooltipRows } from './chart-kit.js';
import { daysOf, signedUsd, usd, usdCompact } from './format.js';

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
