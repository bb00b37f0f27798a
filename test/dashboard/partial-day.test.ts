import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { dashboardApi } from '../../src/dashboard/api.js';
import type { LandingProbe } from '../../src/dashboard/landing-probe.js';
import type { DashboardQueries, OverviewRow } from '../../src/dashboard/queries.js';
import type { Overview, SameHoursRow, TodaySoFar } from '../../src/dashboard/types.js';
import { PACKAGE_ROOT } from '../support/paths.js';

/**
 * Today as a partial day, without a database: the API's `today`, its default
 * range that stops at today, the "today so far" sums; and the page's pure
 * modules (the shading of partial days, the presets, the CSV, the lag in
 * seconds), loaded from `src/dashboard/public/` as the browser loads them.
 */

interface PartialDays {
  markPartialDays(option: object, today: string): { series: { markLine?: { data: { xAxis: string }[] }; data?: unknown[] }[]; xAxis: { axisLabel: { formatter: (d: string) => string } } };
  presetRange(preset: string, firstDay: string, end: string): { from: string; to: string };
}
interface Csv {
  toCsv(header: unknown[], rows: unknown[][]): string;
}
interface Panels {
  lagSeconds(kafka: { partitions: { partition: number; lag: number }[] }, landing: { status: string; partitions: { partition: number; kafkaTimestamp: string | null }[] }, now: number): number | null;
}
const page = <T>(file: string): Promise<T> => import(pathToFileURL(join(PACKAGE_ROOT, 'src', 'dashboard', 'public', file)).href) as Promise<T>;

const extent = (firstDay: string, lastDay: string): OverviewRow => ({
  firstDay,
  lastDay,
  daysWithData: 10,
  lastBuiltDay: lastDay,
  lastBuiltAt: '2026-12-07T10:00:00.000Z',
  daysBuilt: 10,
  lastDriversDay: lastDay,
  stgPartitions: 3,
  stgLoadedAt: '2026-12-07T10:00:00.000Z',
});

function api(overview: OverviewRow, now: string, sameHours: (day: string, until: string) => SameHoursRow[] = () => []) {
  const asked: [string, string, unknown][] = [];
  const queries = {
    overview: async () => overview,
    sameHours: async (day: string, until: string, currencies: unknown) => {
      asked.push([day, until, currencies]);
      return sameHours(day, until);
    },
  } as unknown as DashboardQueries;
  const endpoints = dashboardApi(queries, {} as LandingProbe, { refreshSeconds: 0, dialect: 'postgres', now: () => new Date(now) });
  const get = <T>(path: string, query: Record<string, string> = {}): Promise<T> => endpoints.get(path)!.handle(new Map(Object.entries(query))) as Promise<T>;
  return { get, asked };
}

describe('today is a partial day', () => {
  it('the overview names today (UTC) and its default range ends today, not at a record dated in the future', async () => {
    const { get } = api(extent('2026-10-01', '9999-12-31'), '2026-12-07T23:30:00+01:00');
    const overview = await get<Overview>('/api/overview');
    assert.equal(overview.today, '2026-12-07');
    assert.deepEqual(overview.defaultRange, { from: '2026-11-08', to: '2026-12-07' });
    // data only in the past, or only in the future: the range follows the data
    assert.deepEqual((await api(extent('2022-10-01', '2022-10-07'), '2026-12-07T12:00:00Z').get<Overview>('/api/overview')).defaultRange, { from: '2022-10-01', to: '2022-10-07' });
    assert.deepEqual((await api(extent('2030-01-01', '2030-01-03'), '2026-12-07T12:00:00Z').get<Overview>('/api/overview')).defaultRange, { from: '2030-01-01', to: '2030-01-03' });
  });

  it('today so far and yesterday until the same time of day, summed in cents; a currency without a rate named, not counted', async () => {
    const rows: Record<string, SameHoursRow[]> = {
      '2026-12-07': [
        { currency: 420, transactions: 3, amountUsd: 10.1 },
        { currency: 430, transactions: 2, amountUsd: 0.2 },
        { currency: 470, transactions: 1, amountUsd: null },
      ],
      '2026-12-06': [{ currency: 420, transactions: 4, amountUsd: 12.35 }],
    };
    const { get, asked } = api(extent('2026-10-01', '2026-12-07'), '2026-12-07T13:45:10.250Z', (day) => rows[day] ?? []);
    const answer = await get<TodaySoFar>('/api/today-so-far', { currencies: '420,430,470' });
    assert.deepEqual(
      asked.map(([day, until]) => [day, until]),
      [
        ['2026-12-07', '2026-12-07T13:45:10.250Z'],
        ['2026-12-06', '2026-12-06T13:45:10.250Z'],
      ],
    );
    assert.deepEqual(asked[0]![2], [420, 430, 470]);
    assert.equal(answer.today.amountUsd, 10.3);
    assert.equal(answer.today.transactions, 6);
    assert.deepEqual(answer.today.currenciesWithoutRate, [470]);
    assert.equal(answer.yesterday.amountUsd, 12.35);
    assert.equal(answer.yesterday.until, '2026-12-06T13:45:10.250Z');
  });

  it('the page marks the days from today on "so far", on charts of days only', async () => {
    const { markPartialDays } = await page<PartialDays>('partial-days.js');
    const option = {
      xAxis: { type: 'category', data: ['2026-12-05', '2026-12-06', '2026-12-07', '2026-12-08'], axisLabel: { formatter: (d: string) => d.slice(5) } },
      series: [{ name: 'A', data: [1, 2, 3, null] }, { name: 'B', data: [{ value: 5, itemStyle: { color: 'red' } }, 6, 7, 8] }, { name: 'C', data: [[1, 2]] }],
    };
    const marked = markPartialDays(option, '2026-12-07');
    assert.deepEqual(marked.series[0]!.markLine!.data, [{ xAxis: '2026-12-07' }, { xAxis: '2026-12-08' }]);
    assert.equal(marked.series[1]!.markLine, undefined);
    assert.deepEqual(marked.series[0]!.data, [1, 2, { value: 3, itemStyle: { opacity: 0.45 } }, null], 'a partial point faded, an empty one left empty');
    assert.deepEqual(marked.series[1]!.data, [{ value: 5, itemStyle: { color: 'red' } }, 6, { value: 7, itemStyle: { opacity: 0.45 } }, { value: 8, itemStyle: { opacity: 0.45 } }]);
    assert.deepEqual(marked.series[2]!.data, [[1, 2]], 'series not aligned with the days are left as they are');
    assert.deepEqual(['2026-12-06', '2026-12-07'].map(marked.xAxis.axisLabel.formatter), ['12-06', '12-07 (so far)']);
    assert.deepEqual(option.series[0]!.data, [1, 2, 3, null], 'the option it was given is left as it was');
    assert.equal(markPartialDays(option, '2026-12-09'), option);
    assert.equal(markPartialDays({ xAxis: { type: 'value' }, series: [{}] }, '2026-12-07').series[0]!.markLine, undefined);
  });

  it('presets end where the default range ends (the last day with data, today at the latest), never before the first day', async () => {
    const { presetRange } = await page<PartialDays>('partial-days.js');
    const { get } = api(extent('2026-10-01', '9999-12-31'), '2026-12-07T12:00:00Z');
    const end = (await get<Overview>('/api/overview')).defaultRange!.to;
    assert.equal(end, '2026-12-07');
    assert.deepEqual(presetRange('7d', '2026-10-01', end), { from: '2026-12-01', to: '2026-12-07' });
    assert.deepEqual(presetRange('30d', '2026-10-01', end), { from: '2026-11-08', to: '2026-12-07' });
    assert.deepEqual(presetRange('mtd', '2026-10-01', end), { from: '2026-12-01', to: '2026-12-07' });
    assert.deepEqual(presetRange('30d', '2022-10-01', '2022-10-07'), { from: '2022-10-01', to: '2022-10-07' });
  });

  it('CSV fields are quoted when they hold a comma, a quote or a line break', async () => {
    const { toCsv } = await page<Csv>('csv.js');
    assert.equal(toCsv(['a', 'b'], [[1, 'x,y'], ['say "hi"', null], ['two\nlines', 0.5]]), 'a,b\r\n1,"x,y"\r\n"say ""hi""",\r\n"two\nlines",0.5\r\n');
  });

  it('the lag in seconds: 0 with nothing waiting, else the oldest last-landed record among the waiting partitions', async () => {
    const { lagSeconds } = await page<Panels>('panels.js');
    const now = Date.parse('2026-12-07T12:00:10Z');
    const landing = {
      status: 'ok',
      partitions: [
        { partition: 0, kafkaTimestamp: '2026-12-07T12:00:07Z' },
        { partition: 1, kafkaTimestamp: '2026-12-07T11:59:10Z' },
        { partition: 2, kafkaTimestamp: null },
      ],
    };
    assert.equal(lagSeconds({ partitions: [{ partition: 0, lag: 0 }, { partition: 1, lag: 0 }] }, landing, now), 0);
    assert.equal(lagSeconds({ partitions: [{ partition: 0, lag: 4 }, { partition: 1, lag: 0 }] }, landing, now), 3);
    assert.equal(lagSeconds({ partitions: [{ partition: 0, lag: 4 }, { partition: 1, lag: 1 }] }, landing, now), 60);
    assert.equal(lagSeconds({ partitions: [{ partition: 2, lag: 1 }] }, landing, now), null, 'nothing landed to date it by');
  });
});
