// Every chart and table of the page as a CSV file: the numbers the page drew, unformatted.
import { EFFECTS } from './driver-charts.js';

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

const EFFECT_KEYS = EFFECTS.map(([key]) => key);

/** The datasets behind the page's panels, by the name a `data-csv` button carries. */
export function csvDatasets(drawn, iso) {
  const { metrics, drivers, chosenDay, mix, rates, quality } = drawn;
  const range = `${metrics.range.from}_${metrics.range.to}`;
  const globalMetrics = () =>
    toCsv(
      ['day', 'currency', 'amount_usd', 'transactions', 'accounts', 'avg_transactions_per_account'],
      metrics.rows.map((r) => [r.day, iso(r.currency), r.amountUsd, r.transactions, r.accounts, r.avgTransactionsPerAccount]),
    );
  const driverRows = (rows) =>
    rows.map((r) => [r.day, iso(r.currency), r.kind, r.turnoverPrevUsd, r.turnoverUsd, r.changeUsd, ...EFFECT_KEYS.map((k) => r.effects[k])]);
  const driverHeader = ['day', 'currency', 'kind', 'turnover_prev_usd', 'turnover_usd', 'change_usd', ...EFFECT_KEYS.map((k) => `${k}_effect_usd`)];
  return {
    range,
    files: {
      'global-metrics': globalMetrics,
      drivers: () => {
        const day = drivers.days.find((d) => d.day === chosenDay);
        const total = day ? [[day.day, 'selected currencies', 'total', day.selected.turnoverPrevUsd, day.selected.turnoverUsd, day.selected.changeUsd, ...EFFECT_KEYS.map((k) => day.selected.effects[k])]] : [];
        return toCsv(driverHeader, [...driverRows(drivers.rows.filter((r) => r.day === chosenDay)), ...total]);
      },
      effects: () =>
        toCsv(
          ['day', 'previous_day', 'turnover_prev_usd', 'turnover_usd', 'change_usd', ...EFFECT_KEYS.map((k) => `${k}_effect_usd`)],
          drivers.days.map((d) => [d.day, d.previousDay, d.selected.turnoverPrevUsd, d.selected.turnoverUsd, d.selected.changeUsd, ...EFFECT_KEYS.map((k) => d.selected.effects[k])]),
        ),
      mix: () => toCsv(['currency', 'amount_usd', 'share', 'transactions', 'days_without_rate'], mix.rows.map((r) => [iso(r.currency), r.amountUsd, r.share, r.transactions, r.daysWithoutRate])),
      rates: () => toCsv(['day', 'currency', 'usd_per_unit', 'quote_day', 'status'], rates.rows.map((r) => [r.day, iso(r.currency), r.rate, r.rateDay, r.status])),
      rejects: () => toCsv(['day', 'reason', 'messages'], quality.rows.filter((r) => r.metric === 'rejects').map((r) => [r.day, r.dimension, r.value])),
      quality: () => toCsv(['metric', 'dimension', 'value'], quality.totals.map((t) => [t.metric, t.dimension, t.value])),
    },
  };
}

/** Saves one dataset as `turnover-<name>-<from>_<to>.csv`. */
export function downloadCsv(name, datasets) {
  const make = datasets.files[name];
  if (!make) return;
  const url = URL.createObjectURL(new Blob([make()], { type: 'text/csv;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: `turnover-${name}-${datasets.range}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
