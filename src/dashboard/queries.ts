import type { ReadOnlyWarehouse } from './read-only-warehouse.js';
import { currencyListParam, type CurrencySelection, type Day, type DayRange } from './params.js';
import type { CurrencyMixRow, DataQualityRow, DriverRow, GlobalMetricsRow, MartsExtent, RateRow, SameHoursRow } from './types.js';

/**
 * The dashboard's reads of the warehouse: one named statement per question
 * (`sql/<dialect>/dashboard_*.sql`, the same files the BI dashboards reuse),
 * values always bound, rows mapped to typed objects. Numbers arrive as text
 * or numbers depending on the driver; dates as `YYYY-MM-DD` text from SQL.
 */

type Text = string | null;
type Num = string | number | null;

const num = (value: Num | undefined): number | null => (value === null || value === undefined ? null : Number(value));
const count = (value: Num | undefined): number => Number(value ?? 0);

export interface OverviewRow extends MartsExtent {
  readonly stgPartitions: number;
  readonly stgLoadedAt: string | null;
}

export interface LoadStateRow {
  readonly topic: string;
  readonly incarnation: number;
  readonly partition: number;
  readonly nextOffset: number;
  readonly updatedAt: string | null;
}

export class DashboardQueries {
  constructor(private readonly warehouse: ReadOnlyWarehouse) {}

  async overview(): Promise<OverviewRow> {
    const [row] = await this.warehouse.rows<Record<string, Num>>('dashboard_overview');
    const text = (value: Num | undefined): string | null => (value === null || value === undefined ? null : String(value));
    return {
      firstDay: text(row?.first_day),
      lastDay: text(row?.last_day),
      daysWithData: count(row?.days_with_data),
      lastBuiltDay: text(row?.last_built_day),
      lastBuiltAt: text(row?.last_built_at),
      daysBuilt: count(row?.days_built),
      lastDriversDay: text(row?.last_drivers_day),
      stgPartitions: count(row?.stg_partitions),
      stgLoadedAt: text(row?.stg_loaded_at),
    };
  }

  async builtDays(range: DayRange): Promise<Day[]> {
    const rows = await this.warehouse.rows<{ day: string }>('dashboard_built_days', [range.from, range.to]);
    return rows.map((r) => r.day);
  }

  async globalMetrics(range: DayRange, currencies: CurrencySelection): Promise<GlobalMetricsRow[]> {
    const rows = await this.warehouse.rows<Record<string, Num>>('dashboard_global_metrics', [range.from, range.to, currencyListParam(currencies)]);
    return rows.map((r) => ({
      day: String(r.day),
      currency: count(r.currency_from),
      amountUsd: num(r.amount_total),
      transactions: count(r.cnt_transactions),
      accounts: count(r.cnt_accounts_make_transactions),
      avgTransactionsPerAccount: Number(r.avg_transactions_per_account),
    }));
  }

  async turnoverDrivers(range: DayRange, currencies: CurrencySelection): Promise<DriverRow[]> {
    const rows = await this.warehouse.rows<Record<string, Num>>('dashboard_turnover_drivers', [range.from, range.to, currencyListParam(currencies)]);
    return rows.map((r) => ({
      day: String(r.day),
      currency: num(r.currency_from),
      kind: String(r.kind) as DriverRow['kind'],
      turnoverPrevUsd: num(r.turnover_prev_usd),
      turnoverUsd: num(r.turnover_usd),
      changeUsd: num(r.change_usd),
      accountsPrev: num(r.accounts_prev),
      accounts: num(r.accounts),
      transactionsPrev: num(r.transactions_prev),
      transactions: num(r.transactions),
      ticketPrev: num(r.ticket_prev),
      ticket: num(r.ticket),
      ratePrev: num(r.rate_prev),
      rate: num(r.rate),
      effects: {
        accounts: num(r.accounts_effect),
        frequency: num(r.frequency_effect),
        ticket: num(r.ticket_effect),
        fx: num(r.fx_effect),
        entryExit: num(r.entry_exit_effect),
      },
    }));
  }

  async currencyMix(range: DayRange, currencies: CurrencySelection): Promise<CurrencyMixRow[]> {
    const rows = await this.warehouse.rows<Record<string, Num>>('dashboard_currency_mix', [range.from, range.to, currencyListParam(currencies)]);
    return rows.map((r) => ({
      currency: count(r.currency_from),
      amountUsd: num(r.amount_usd),
      transactions: count(r.cnt_transactions),
      share: num(r.share),
      daysWithoutRate: count(r.days_without_rate),
    }));
  }

  async usdRates(range: DayRange, currencies: CurrencySelection): Promise<RateRow[]> {
    const rows = await this.warehouse.rows<Record<string, Num>>('dashboard_usd_rates', [range.from, range.to, currencyListParam(currencies)]);
    return rows.map((r) => ({
      day: String(r.day),
      currency: count(r.currency_code),
      rate: num(r.rate),
      rateDay: (r.rate_date as Text) ?? null,
      status: String(r.rate_status) as RateRow['status'],
    }));
  }

  /** The counted transactions of `day` before `until` (an ISO timestamp, UTC), per currency (STG, not the marts). */
  async sameHours(day: Day, until: string, currencies: CurrencySelection): Promise<SameHoursRow[]> {
    const rows = await this.warehouse.rows<Record<string, Num>>('dashboard_same_hours', [day, until.replace('T', ' ').replace('Z', ''), currencyListParam(currencies)]);
    return rows.map((r) => ({ currency: count(r.currency_code), transactions: count(r.cnt_transactions), amountUsd: num(r.amount_usd) }));
  }

  async dataQuality(range: DayRange): Promise<DataQualityRow[]> {
    const rows = await this.warehouse.rows<Record<string, Num>>('dashboard_data_quality', [range.from, range.to]);
    return rows.map((r) => ({ day: String(r.day), metric: String(r.metric), dimension: String(r.dimension), value: count(r.value) }));
  }

  async loadState(): Promise<LoadStateRow[]> {
    const rows = await this.warehouse.rows<Record<string, Num>>('dashboard_load_state');
    return rows.map((r) => ({ topic: String(r.topic), incarnation: count(r.incarnation), partition: count(r.partition_id), nextOffset: count(r.next_offset), updatedAt: (r.updated_at as Text) ?? null }));
  }
}
