import { queryRows } from '../staging/landing-support.js';

/**
 * What the dashboard's answers must equal, read straight from the marts with
 * the test's own SQL (not the dashboard's statements), as numbers.
 */

const n = (value: string | null): number | null => (value === null ? null : Number(value));
/** null = every currency. */
export type Codes = readonly number[] | null;

export async function expectedGlobalMetrics(url: string, from: string, to: string, codes: Codes) {
  const rows = await queryRows<Record<string, string | null>>(
    url,
    `select date_update::text as day, currency_from::text, amount_total::text, cnt_transactions::text,
            avg_transactions_per_account::text, cnt_accounts_make_transactions::text
       from cdm.global_metrics
      where date_update between $1 and $2 and ($3::int[] is null or currency_from = any($3::int[]))
      order by date_update, currency_from`,
    [from, to, codes],
  );
  const days = await queryRows<Record<string, string | null> & { without_rate: number[] }>(
    url,
    `select b.date_update::text as day,
            coalesce(sum(g.amount_total), 0)::text as amount,
            coalesce(sum(g.cnt_transactions), 0)::text as transactions,
            coalesce(sum(g.cnt_accounts_make_transactions), 0)::text as accounts,
            coalesce(array_agg(g.currency_from order by g.currency_from) filter (where g.currency_from is not null and g.amount_total is null), '{}') as without_rate
       from cdm.build_days as b
       left join cdm.global_metrics as g
         on g.date_update = b.date_update and ($3::int[] is null or g.currency_from = any($3::int[]))
      where b.date_update between $1 and $2
      group by b.date_update
      order by b.date_update`,
    [from, to, codes],
  );
  return {
    builtDays: days.map((d) => d.day),
    rows: rows.map((r) => ({
      day: r.day,
      currency: Number(r.currency_from),
      amountUsd: n(r.amount_total!),
      transactions: Number(r.cnt_transactions),
      accounts: Number(r.cnt_accounts_make_transactions),
      avgTransactionsPerAccount: Number(r.avg_transactions_per_account),
    })),
    days: days.map((d) => ({
      day: d.day,
      amountUsd: Number(d.amount),
      transactions: Number(d.transactions),
      accounts: Number(d.accounts),
      currenciesWithoutRate: d.without_rate.map(Number),
    })),
  };
}

const DRIVER_COLUMNS = `date_update::text as day, currency_from::text, kind, turnover_prev_usd::text, turnover_usd::text, change_usd::text,
  accounts_prev::text, accounts::text, transactions_prev::text, transactions::text, ticket_prev::text, ticket::text,
  rate_prev::text, rate::text, accounts_effect::text, frequency_effect::text, ticket_effect::text, fx_effect::text, entry_exit_effect::text`;

function driverRow(r: Record<string, string | null>) {
  return {
    day: r.day!,
    currency: n(r.currency_from!),
    kind: r.kind!,
    turnoverPrevUsd: n(r.turnover_prev_usd!),
    turnoverUsd: n(r.turnover_usd!),
    changeUsd: n(r.change_usd!),
    accountsPrev: n(r.accounts_prev!),
    accounts: n(r.accounts!),
    transactionsPrev: n(r.transactions_prev!),
    transactions: n(r.transactions!),
    ticketPrev: n(r.ticket_prev!),
    ticket: n(r.ticket!),
    ratePrev: n(r.rate_prev!),
    rate: n(r.rate!),
    effects: {
      accounts: n(r.accounts_effect!),
      frequency: n(r.frequency_effect!),
      ticket: n(r.ticket_effect!),
      fx: n(r.fx_effect!),
      entryExit: n(r.entry_exit_effect!),
    },
  };
}

export async function expectedDrivers(url: string, from: string, to: string, codes: Codes) {
  const rows = await queryRows<Record<string, string | null>>(
    url,
    `select ${DRIVER_COLUMNS} from cdm.turnover_drivers
      where date_update between $1 and $2 and kind <> 'total' and ($3::int[] is null or currency_from = any($3::int[]))
      order by date_update, currency_from`,
    [from, to, codes],
  );
  const totals = await queryRows<Record<string, string | null>>(
    url,
    `select ${DRIVER_COLUMNS} from cdm.turnover_drivers where date_update between $1 and $2 and kind = 'total' order by date_update`,
    [from, to],
  );
  // the selected currencies' rows summed by the database, excluded rows left out
  const selected = await queryRows<Record<string, string>>(
    url,
    `select t.date_update::text as day,
            coalesce(sum(d.turnover_prev_usd), 0)::text as prev, coalesce(sum(d.turnover_usd), 0)::text as cur,
            coalesce(sum(d.change_usd), 0)::text as change, coalesce(sum(d.accounts_effect), 0)::text as accounts,
            coalesce(sum(d.frequency_effect), 0)::text as frequency, coalesce(sum(d.ticket_effect), 0)::text as ticket,
            coalesce(sum(d.fx_effect), 0)::text as fx, coalesce(sum(d.entry_exit_effect), 0)::text as entry_exit
       from cdm.turnover_drivers as t
       left join cdm.turnover_drivers as d
         on d.date_update = t.date_update and d.kind <> 'total' and ($3::int[] is null or d.currency_from = any($3::int[]))
        and d.kind <> 'excluded'
      where t.kind = 'total' and t.date_update between $1 and $2
      group by t.date_update
      order by t.date_update`,
    [from, to, codes],
  );
  const excluded = new Map<string, number[]>();
  for (const r of rows) if (r.kind === 'excluded') excluded.set(r.day!, [...(excluded.get(r.day!) ?? []), Number(r.currency_from)]);
  const waterfall = (r: ReturnType<typeof driverRow>) => ({
    turnoverPrevUsd: r.turnoverPrevUsd ?? 0,
    turnoverUsd: r.turnoverUsd ?? 0,
    changeUsd: r.changeUsd ?? 0,
    effects: {
      accounts: r.effects.accounts ?? 0,
      frequency: r.effects.frequency ?? 0,
      ticket: r.effects.ticket ?? 0,
      fx: r.effects.fx ?? 0,
      entryExit: r.effects.entryExit ?? 0,
    },
  });
  return {
    rows: rows.map(driverRow),
    days: totals.map((t, i) => {
      const total = driverRow(t);
      const s = selected[i]!;
      return {
        day: total.day,
        previousDay: new Date(Date.parse(`${total.day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10),
        total: waterfall(total),
        selected: {
          turnoverPrevUsd: Number(s.prev),
          turnoverUsd: Number(s.cur),
          changeUsd: Number(s.change),
          effects: { accounts: Number(s.accounts), frequency: Number(s.frequency), ticket: Number(s.ticket), fx: Number(s.fx), entryExit: Number(s.entry_exit) },
        },
        excluded: excluded.get(total.day) ?? [],
      };
    }),
  };
}

export async function expectedCurrencyMix(url: string, from: string, to: string, codes: Codes) {
  const rows = await queryRows<Record<string, string | null>>(
    url,
    `select currency_from::text, sum(amount_total)::text as amount, sum(cnt_transactions)::text as transactions,
            (count(*) - count(amount_total))::text as without_rate
       from cdm.global_metrics
      where date_update between $1 and $2 and ($3::int[] is null or currency_from = any($3::int[]))
      group by currency_from order by currency_from`,
    [from, to, codes],
  );
  return rows.map((r) => ({ currency: Number(r.currency_from), amountUsd: n(r.amount!), transactions: Number(r.transactions), daysWithoutRate: Number(r.without_rate) }));
}

export async function expectedRates(url: string, from: string, to: string, codes: Codes) {
  const rows = await queryRows<Record<string, string | null>>(
    url,
    `select day, currency, rate, rate_day, status from (
        select date_update::text as day, currency_code as currency, rate::text as rate, rate_date::text as rate_day, rate_status as status
          from cdm.usd_rates_daily where date_update between $1 and $2
        union all
        select date_update::text, currency_code, null, null, 'missing'
          from cdm.currency_daily where date_update between $1 and $2 and rate is null
      ) as r
      where $3::int[] is null or currency = any($3::int[])
      order by day, currency`,
    [from, to, codes],
  );
  return rows.map((r) => ({ day: r.day!, currency: Number(r.currency), rate: n(r.rate!), rateDay: r.rate_day, status: r.status! }));
}

export async function expectedDataQuality(url: string, from: string, to: string) {
  const rows = await queryRows<Record<string, string>>(
    url,
    `select date_update::text as day, metric, dimension, value::text from cdm.data_quality_daily
      where date_update between $1 and $2 order by date_update, metric, dimension`,
    [from, to],
  );
  return rows.map((r) => ({ day: r.day, metric: r.metric, dimension: r.dimension, value: Number(r.value) }));
}
