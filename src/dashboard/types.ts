/**
 * The JSON the API answers (docs/dashboard.md describes each endpoint).
 * Amounts are USD numbers with at most 2 decimals, null where the marts hold
 * NULL (no usable rate): never 0 in place of unknown. Days are `YYYY-MM-DD`,
 * times ISO 8601 UTC.
 */
import type { Day, DayRange } from './params.js';

export interface CurrencyInfo {
  readonly code: number;
  readonly iso: string;
  readonly country: string;
}

/** What the marts hold and when they were last built. */
export interface MartsExtent {
  readonly firstDay: Day | null;
  readonly lastDay: Day | null;
  readonly daysWithData: number;
  readonly lastBuiltDay: Day | null;
  readonly lastBuiltAt: string | null;
  readonly daysBuilt: number;
  readonly lastDriversDay: Day | null;
}

export interface Overview {
  /** `empty`: the marts hold no row yet; `not_migrated`: no schema yet (the page says what to run). */
  readonly status: 'ok' | 'empty' | 'not_migrated';
  readonly reason: string | null;
  readonly dialect: string;
  readonly currencies: readonly CurrencyInfo[];
  /** The page's auto-refresh when its URL has none (0 = off). */
  readonly refreshSeconds: number;
  readonly marts: MartsExtent;
  readonly stg: { readonly partitions: number; readonly loadedAt: string | null };
  /** The last 30 days with data (null when there is none). */
  readonly defaultRange: DayRange | null;
  /** The server's UTC day: it and any later day are partial (the day is not over). */
  readonly today: Day;
  readonly generatedAt: string;
}

export interface Selection {
  readonly range: DayRange;
  /** `all`, or the codes asked for. */
  readonly currencies: 'all' | readonly number[];
}

/** One row of cdm.global_metrics. */
export interface GlobalMetricsRow {
  readonly day: Day;
  readonly currency: number;
  readonly amountUsd: number | null;
  readonly transactions: number;
  readonly accounts: number;
  readonly avgTransactionsPerAccount: number;
}

/** The selected currencies of one built day, summed. */
export interface DayTotals {
  readonly day: Day;
  /** Sum of the known USD amounts; currencies without a rate are listed, not counted. */
  readonly amountUsd: number;
  readonly transactions: number;
  /** Sum of the per-currency distinct accounts (an account active in two currencies counts twice). */
  readonly accounts: number;
  readonly currenciesWithoutRate: readonly number[];
}

export interface GlobalMetrics extends Selection {
  /** Every built day of the range (a built day without rows had no counted transaction). */
  readonly builtDays: readonly Day[];
  readonly rows: readonly GlobalMetricsRow[];
  readonly days: readonly DayTotals[];
}

export interface Effects {
  readonly accounts: number | null;
  readonly frequency: number | null;
  readonly ticket: number | null;
  readonly fx: number | null;
  readonly entryExit: number | null;
}

/** One row of cdm.turnover_drivers (currency null on the day's total row). */
export interface DriverRow {
  readonly day: Day;
  readonly currency: number | null;
  readonly kind: 'total' | 'continuing' | 'entry' | 'exit' | 'excluded';
  readonly turnoverPrevUsd: number | null;
  readonly turnoverUsd: number | null;
  readonly changeUsd: number | null;
  readonly accountsPrev: number | null;
  readonly accounts: number | null;
  readonly transactionsPrev: number | null;
  readonly transactions: number | null;
  readonly ticketPrev: number | null;
  readonly ticket: number | null;
  readonly ratePrev: number | null;
  readonly rate: number | null;
  readonly effects: Effects;
}

/** A day's waterfall: from the previous day's total to this day's, effect by effect. */
export interface Waterfall {
  readonly turnoverPrevUsd: number;
  readonly turnoverUsd: number;
  readonly changeUsd: number;
  readonly effects: { readonly accounts: number; readonly frequency: number; readonly ticket: number; readonly fx: number; readonly entryExit: number };
}

export interface DriverDay {
  readonly day: Day;
  readonly previousDay: Day;
  /** The mart's total row (every currency). */
  readonly total: Waterfall;
  /** The selected currencies' rows summed (equals `total` when every currency is selected). */
  readonly selected: Waterfall;
  /** Selected currencies left out of the split: no usable rate on one of the two days. */
  readonly excluded: readonly number[];
}

export interface Drivers extends Selection {
  readonly days: readonly DriverDay[];
  /** The per-currency rows of the selected currencies. */
  readonly rows: readonly DriverRow[];
}

export interface CurrencyMixRow {
  readonly currency: number;
  readonly amountUsd: number | null;
  readonly transactions: number;
  /** Share of the selection's USD turnover, 0..1 (null without a USD amount). */
  readonly share: number | null;
  readonly daysWithoutRate: number;
}

export interface CurrencyMix extends Selection {
  readonly rows: readonly CurrencyMixRow[];
}

export interface RateRow {
  readonly day: Day;
  readonly currency: number;
  /** USD per unit of the currency; null when missing. */
  readonly rate: number | null;
  /** The quote's own day (earlier than `day` when stale). */
  readonly rateDay: Day | null;
  readonly status: 'usd' | 'same_day' | 'stale' | 'missing';
}

export interface Rates extends Selection {
  readonly rows: readonly RateRow[];
}

export interface SameHoursRow {
  readonly currency: number;
  readonly transactions: number;
  /** Null when the day has no usable USD rate for the currency. */
  readonly amountUsd: number | null;
}

/** One day's counted transactions up to a time of day, summed over the selected currencies. */
export interface HoursOfDay {
  readonly day: Day;
  /** Transactions before this moment (UTC) count. */
  readonly until: string;
  readonly amountUsd: number;
  readonly transactions: number;
  readonly currenciesWithoutRate: readonly number[];
  readonly rows: readonly SameHoursRow[];
}

/** Today so far against yesterday up to the same time of day: like with like, from STG. */
export interface TodaySoFar {
  readonly currencies: 'all' | readonly number[];
  readonly now: string;
  readonly today: HoursOfDay;
  readonly yesterday: HoursOfDay;
}

export interface DataQualityRow {
  readonly day: Day;
  readonly metric: string;
  readonly dimension: string;
  readonly value: number;
}

export interface DataQuality {
  readonly range: DayRange;
  readonly rows: readonly DataQualityRow[];
  /** Per (metric, dimension), summed over the range. */
  readonly totals: readonly { readonly metric: string; readonly dimension: string; readonly value: number }[];
}

/** A source the dashboard could not ask: not configured, or not answering (with why). */
export interface SourceProblem {
  readonly status: 'not_configured' | 'unavailable';
  readonly reason: string;
}

export interface LandingPartition {
  readonly partition: number;
  /** Offset of the last landed record (null when none is left in the landing zone). */
  readonly lastOffset: number | null;
  readonly ingestedAt: string | null;
  readonly kafkaTimestamp: string | null;
  /** The consumer group's next offset to land (null when the group has none). */
  readonly groupNextOffset: number | null;
  readonly groupUpdatedAt: string | null;
  /** Landed records not yet loaded into STG. */
  readonly backlogToStg: number | null;
}

export interface Landing {
  readonly status: 'ok';
  readonly topic: string;
  readonly group: string;
  readonly lastLandedAt: string | null;
  readonly lastEventAt: string | null;
  readonly backlogToStg: number | null;
  readonly partitions: readonly LandingPartition[];
}

export interface KafkaLag {
  readonly status: 'ok';
  readonly topic: string;
  readonly group: string;
  /** Records in Kafka that the group has not landed yet, all partitions. */
  readonly lag: number;
  readonly partitions: readonly { readonly partition: number; readonly endOffset: number; readonly nextOffset: number; readonly lag: number }[];
}

export interface Freshness {
  readonly checkedAt: string;
  readonly marts: { readonly lastBuiltAt: string | null; readonly lastBuiltDay: Day | null };
  readonly stg: {
    readonly loadedAt: string | null;
    readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly nextOffset: number; readonly updatedAt: string | null }[];
  };
  readonly landing: Landing | SourceProblem;
  readonly kafka: KafkaLag | SourceProblem;
}
