import { CURRENCIES } from '../contracts/currencies.js';
import { clampedDay } from '../contracts/days.js';
import { NotMigratedError } from './api-errors.js';
import { freshness } from './freshness.js';
import type { LandingProbe } from './landing-probe.js';
import { parseCurrencies, parseRange, type CurrencySelection, type Day, type DayRange } from './params.js';
import type { DashboardQueries } from './queries.js';
import type { Clock } from '../test-hooks/clock.js';
import type { CurrencyMix, MartsExtent, DataQuality, DayTotals, DriverDay, DriverRow, Drivers, GlobalMetrics, HoursOfDay, Overview, Rates, TodaySoFar, Waterfall } from './types.js';

/** Days in the default range: the last 30 days with data. */
export const DEFAULT_RANGE_DAYS = 30;

export interface Endpoint {
  /** Query parameters it takes; anything else is a 400. */
  readonly params: readonly string[];
  readonly handle: (query: ReadonlyMap<string, string>) => Promise<unknown>;
}

const RANGE = ['from', 'to'] as const;
const SELECTION = ['from', 'to', 'currencies'] as const;

const CURRENCY_INFO = CURRENCIES.map((c) => Object.freeze({ code: c.code, iso: c.iso, country: c.country }));

const cents = (usd: number | null): number => Math.round((usd ?? 0) * 100);
const usd = (centsValue: number): number => centsValue / 100;

/**
 * The read-only JSON API: one endpoint per panel of the page, each a thin
 * shape over one or two `dashboard_*` statements. Sums are made in integer
 * cents, so a waterfall adds up to its change exactly as the mart does.
 */
export interface ApiSettings {
  readonly refreshSeconds: number;
  readonly dialect: string;
  /** The wall clock (which day is today); `Date` by default. */
  readonly now?: Clock;
}

export function dashboardApi(queries: DashboardQueries, probe: LandingProbe, settings: ApiSettings): ReadonlyMap<string, Endpoint> {
  const now = settings.now ?? (() => new Date());
  const today = (): Day => now().toISOString().slice(0, 10);
  const defaultRange = async (): Promise<DayRange> => {
    const o = await queries.overview();
    const to = o.lastDay === null ? today() : lastShownDay(o.firstDay ?? o.lastDay, o.lastDay, today());
    return { from: clampedDay(to, -(DEFAULT_RANGE_DAYS - 1)), to };
  };
  /** A day's counted transactions before the same time of day as now, summed over the selection. */
  const hoursOf = async (day: Day, until: string, currencies: CurrencySelection): Promise<HoursOfDay> => {
    const rows = await queries.sameHours(day, until, currencies);
    return {
      day,
      until,
      amountUsd: usd(rows.reduce((sum, row) => sum + cents(row.amountUsd), 0)),
      transactions: rows.reduce((sum, row) => sum + row.transactions, 0),
      currenciesWithoutRate: rows.filter((row) => row.amountUsd === null).map((row) => row.currency),
      rows,
    };
  };
  const range = async (query: ReadonlyMap<string, string>): Promise<DayRange> => parseRange(query) ?? defaultRange();

  return new Map<string, Endpoint>([
    ['/api/health', { params: [], handle: async () => ({ status: 'ok', marts: (await queries.overview()).lastBuiltAt !== null }) }],
    [
      '/api/overview',
      {
        params: [],
        handle: async (): Promise<Overview> => {
          const o = await queries.overview().catch((error: unknown) => {
            // not migrated is a state of the warehouse, which the overview reports (the page says what to run)
            if (error instanceof NotMigratedError) return undefined;
            throw error;
          });
          if (!o) return notMigratedOverview(settings, now());
          const firstDay = o.firstDay;
          const shownTo = o.lastDay === null || firstDay === null ? null : lastShownDay(firstDay, o.lastDay, today());
          return {
            status: o.lastDay === null ? 'empty' : 'ok',
            reason: o.lastDay === null ? 'the marts hold no rows yet' : null,
            dialect: settings.dialect,
            currencies: CURRENCY_INFO,
            refreshSeconds: settings.refreshSeconds,
            marts: {
              firstDay: o.firstDay,
              lastDay: o.lastDay,
              daysWithData: o.daysWithData,
              lastBuiltDay: o.lastBuiltDay,
              lastBuiltAt: o.lastBuiltAt,
              daysBuilt: o.daysBuilt,
              lastDriversDay: o.lastDriversDay,
            } satisfies MartsExtent,
            stg: { partitions: o.stgPartitions, loadedAt: o.stgLoadedAt },
            defaultRange: shownTo === null ? null : { from: [clampedDay(shownTo, -(DEFAULT_RANGE_DAYS - 1)), firstDay!].sort().at(-1)!, to: shownTo },
            today: today(),
            generatedAt: now().toISOString(),
          };
        },
      },
    ],
    [
      '/api/global-metrics',
      {
        params: SELECTION,
        handle: async (query): Promise<GlobalMetrics> => {
          const currencies = parseCurrencies(query.get('currencies'));
          const r = await range(query);
          const [rows, builtDays] = await Promise.all([queries.globalMetrics(r, currencies), queries.builtDays(r)]);
          const byDay = groupBy(rows, (row) => row.day);
          const days = builtDays.map((day): DayTotals => {
            const ofDay = byDay.get(day) ?? [];
            return {
              day,
              amountUsd: usd(ofDay.reduce((sum, row) => sum + cents(row.amountUsd), 0)),
              transactions: ofDay.reduce((sum, row) => sum + row.transactions, 0),
              accounts: ofDay.reduce((sum, row) => sum + row.accounts, 0),
              currenciesWithoutRate: ofDay.filter((row) => row.amountUsd === null).map((row) => row.currency),
            };
          });
          return { range: r, currencies, builtDays, rows, days };
        },
      },
    ],
    [
      '/api/drivers',
      {
        params: [...SELECTION, 'day'],
        handle: async (query): Promise<Drivers> => {
          const currencies = parseCurrencies(query.get('currencies'));
          const r = await range(query);
          const all = await queries.turnoverDrivers(r, currencies);
          const rows = all.filter((row) => row.kind !== 'total');
          const byDay = groupBy(rows, (row) => row.day);
          const days = all
            .filter((row) => row.kind === 'total')
            .map((total): DriverDay => {
              const ofDay = byDay.get(total.day) ?? [];
              return {
                day: total.day,
                // a drivers row needs a built previous day, so there is none on 0001-01-01: the clamp is never reached
                previousDay: clampedDay(total.day, -1),
                total: waterfallOf([total]),
                selected: waterfallOf(ofDay.filter((row) => row.kind !== 'excluded')),
                excluded: ofDay.filter((row) => row.kind === 'excluded').map((row) => row.currency!),
              };
            });
          return { range: r, currencies, days, rows };
        },
      },
    ],
    [
      '/api/currency-mix',
      {
        params: SELECTION,
        handle: async (query): Promise<CurrencyMix> => {
          const currencies = parseCurrencies(query.get('currencies'));
          const r = await range(query);
          return { range: r, currencies, rows: await queries.currencyMix(r, currencies) };
        },
      },
    ],
    [
      '/api/rates',
      {
        params: SELECTION,
        handle: async (query): Promise<Rates> => {
          const currencies = parseCurrencies(query.get('currencies'));
          const r = await range(query);
          return { range: r, currencies, rows: await queries.usdRates(r, currencies) };
        },
      },
    ],
    [
      '/api/data-quality',
      {
        params: RANGE,
        handle: async (query): Promise<DataQuality> => {
          const r = await range(query);
          const rows = await queries.dataQuality(r);
          const totals = new Map<string, { metric: string; dimension: string; value: number }>();
          for (const row of rows) {
            const key = `${row.metric}\u0000${row.dimension}`;
            const entry = totals.get(key) ?? { metric: row.metric, dimension: row.dimension, value: 0 };
            entry.value = usd(cents(entry.value) + cents(row.value));
            totals.set(key, entry);
          }
          return { range: r, rows, totals: [...totals.values()].sort((a, b) => a.metric.localeCompare(b.metric) || a.dimension.localeCompare(b.dimension)) };
        },
      },
    ],
    [
      '/api/today-so-far',
      {
        params: ['currencies'],
        handle: async (query): Promise<TodaySoFar> => {
          const currencies = parseCurrencies(query.get('currencies'));
          const at = now();
          const day = at.toISOString().slice(0, 10);
          const yesterday = clampedDay(day, -1);
          const [todayHours, yesterdayHours] = await Promise.all([
            hoursOf(day, at.toISOString(), currencies),
            hoursOf(yesterday, new Date(at.getTime() - 86_400_000).toISOString(), currencies),
          ]);
          return { currencies, now: at.toISOString(), today: todayHours, yesterday: yesterdayHours };
        },
      },
    ],
    ['/api/freshness', { params: [], handle: () => freshness(queries, probe, now) }],
  ]);
}

/**
 * Where the default range ends: the last day with data, but today at the
 * latest — a record dated in the future (9999-12-31) does not drag the view
 * away from the present, unless every day with data lies ahead.
 */
function lastShownDay(firstDay: Day, lastDay: Day, today: Day): Day {
  return lastDay > today && firstDay <= today ? today : lastDay;
}

function notMigratedOverview(settings: ApiSettings, at: Date): Overview {
  return {
    status: 'not_migrated',
    reason: 'the warehouse has no cdm/stg schema yet: run turnover migrate',
    dialect: settings.dialect,
    currencies: CURRENCY_INFO,
    refreshSeconds: settings.refreshSeconds,
    marts: { firstDay: null, lastDay: null, daysWithData: 0, lastBuiltDay: null, lastBuiltAt: null, daysBuilt: 0, lastDriversDay: null },
    stg: { partitions: 0, loadedAt: null },
    defaultRange: null,
    today: at.toISOString().slice(0, 10),
    generatedAt: at.toISOString(),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Sum of driver rows, in cents: the same numbers the mart's total row is made of. */
function waterfallOf(rows: readonly DriverRow[]): Waterfall {
  const sum = (pick: (row: DriverRow) => number | null): number => usd(rows.reduce((total, row) => total + cents(pick(row)), 0));
  return {
    turnoverPrevUsd: sum((r) => r.turnoverPrevUsd),
    turnoverUsd: sum((r) => r.turnoverUsd),
    changeUsd: sum((r) => r.changeUsd),
    effects: {
      accounts: sum((r) => r.effects.accounts),
      frequency: sum((r) => r.effects.frequency),
      ticket: sum((r) => r.effects.ticket),
      fx: sum((r) => r.effects.fx),
      entryExit: sum((r) => r.effects.entryExit),
    },
  };
}
