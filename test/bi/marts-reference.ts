import type { Chart } from '../../src/bi/definition/definition.js';
import { CURRENCY_BY_CODE } from '../../src/contracts/currencies.js';
import { queryRows } from '../staging/landing-support.js';

/**
 * What each chart must show, read from the marts with the test's own SQL
 * (not the dashboard's files) and shaped in TypeScript: one canonical row per
 * plotted point, keyed by the chart's column labels, values as text dates,
 * ISO currency codes and numbers rounded to 4 decimals (null stays null).
 */
export type CanonicalRow = Record<string, string | number | null>;

const iso = (code: number | string): string => CURRENCY_BY_CODE.get(Number(code))?.iso ?? String(code);
const num = (value: string | number | null | undefined): number | null => (value === null || value === undefined ? null : Math.round(Number(value) * 10_000) / 10_000);

/** Reference rows of every dataset of bi/turnover.yaml, by dataset key, columns named as the dataset names them. */
export async function referenceDatasets(url: string): Promise<Map<string, CanonicalRow[]>> {
  const daily = await queryRows<Record<string, string>>(
    url,
    `select b.date_update::text as day,
            coalesce(sum(g.amount_total), 0)::text as turnover,
            coalesce(sum(g.cnt_transactions), 0)::text as transactions,
            coalesce(sum(g.cnt_accounts_make_transactions), 0)::text as accounts
       from cdm.build_days as b
       left join cdm.global_metrics as g on g.date_update = b.date_update
      group by b.date_update`,
  );
  const perCurrency = await queryRows<Record<string, string | null>>(
    url,
    `select date_update::text as day, currency_from::text as currency, amount_total::text as amount,
            cnt_transactions::text as transactions, cnt_accounts_make_transactions::text as accounts,
            avg_transactions_per_account::text as average
       from cdm.global_metrics`,
  );
  const drivers = await queryRows<Record<string, string | null>>(
    url,
    `select date_update::text as day, currency_from::text as currency, kind, turnover_prev_usd::text as prev, turnover_usd::text as turnover,
            change_usd::text as change, accounts_effect::text as a, frequency_effect::text as f, ticket_effect::text as t,
            fx_effect::text as fx, entry_exit_effect::text as ee
       from cdm.turnover_drivers`,
  );
  const quality = await queryRows<Record<string, string>>(url, 'select date_update::text as day, metric, dimension, value::text as value from cdm.data_quality_daily');

  const effects = (r: Record<string, string | null>) => ({
    accounts_effect: num(r.a),
    frequency_effect: num(r.f),
    ticket_effect: num(r.t),
    fx_effect: num(r.fx),
    entry_exit_effect: num(r.ee),
  });
  const qualityTotals = new Map<string, { metric: string; dimension: string; total: number; days: number; first: string; last: string }>();
  for (const q of quality) {
    const dimension = /^\d{3}$/.test(q.dimension!) ? iso(q.dimension!) : q.dimension!;
    const key = `${q.metric}\u0000${dimension}`;
    const t = qualityTotals.get(key) ?? { metric: q.metric!, dimension, total: 0, days: 0, first: q.day!, last: q.day! };
    t.total += Number(q.value);
    t.days += 1;
    t.first = q.day! < t.first ? q.day! : t.first;
    t.last = q.day! > t.last ? q.day! : t.last;
    qualityTotals.set(key, t);
  }

  return new Map<string, CanonicalRow[]>([
    [
      'daily_totals',
      daily.map((d) => ({
        date_update: d.day!,
        turnover_usd: num(d.turnover),
        transactions: num(d.transactions),
        active_accounts: num(d.accounts),
        transactions_per_account: Number(d.accounts) === 0 ? null : num(Number(d.transactions) / Number(d.accounts)),
      })),
    ],
    [
      'turnover_by_currency',
      perCurrency.map((r) => ({ date_update: r.day!, currency: iso(r.currency!), turnover_usd: num(r.amount), transactions: num(r.transactions), active_accounts: num(r.accounts), transactions_per_account: num(r.average) })),
    ],
    ['drivers_daily', drivers.filter((r) => r.currency === null).map((r) => ({ date_update: r.day!, turnover_prev_usd: num(r.prev), turnover_usd: num(r.turnover), change_usd: num(r.change), ...effects(r) }))],
    [
      'drivers_by_currency',
      drivers.filter((r) => r.currency !== null).map((r) => ({ date_update: r.day!, currency: iso(r.currency!), kind: r.kind!, turnover_prev_usd: num(r.prev), turnover_usd: num(r.turnover), change_usd: num(r.change), ...effects(r) })),
    ],
    ['data_quality', [...qualityTotals.values()].map((t) => ({ metric: t.metric, dimension: t.dimension, total: num(t.total), days: t.days, first_day: t.first, last_day: t.last }))],
  ]);
}

/** The rows a chart draws from its dataset's reference rows, keyed as Superset labels them. */
export function expectedChartRows(chart: Chart, dataset: readonly CanonicalRow[]): CanonicalRow[] {
  if (chart.kind === 'table') return dataset.map((row) => Object.fromEntries(chart.columns.map((c) => [c.column, row[c.column] ?? null])));
  const series = chart.kind !== 'big_number' ? chart.series : undefined;
  return dataset.map((row) => ({
    [chart.x]: row[chart.x]!,
    ...(series ? { [series]: row[series]! } : {}),
    ...Object.fromEntries(chart.metrics.map((m) => [m.label, row[m.column] ?? null])),
  }));
}

/** A row of Superset's chart-data answer in the same canonical form (dates arrive as epoch milliseconds). */
export function canonical(row: Record<string, unknown>, dateColumns: readonly string[]): CanonicalRow {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => {
      if (dateColumns.includes(k) && typeof v === 'number') return [k, new Date(v).toISOString().slice(0, 10)];
      if (typeof v === 'number') return [k, num(v)];
      return [k, v === null || v === undefined ? null : String(v)];
    }),
  );
}

export const sortRows = (rows: CanonicalRow[]): CanonicalRow[] => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
