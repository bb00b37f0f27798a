import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { addDays } from '../../src/contracts/days.js';
import { migratedDatabases, queryRows } from '../staging/landing-support.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { ARTIFACTS_DIR } from '../support/paths.js';
import { useStack, type TestStack } from '../support/stack.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { FEED_DAYS, laterDay, LAST_DAY, MISSING_RATE_DAY, STALE_RATE_DAY } from './dashboard-feed.js';
import { DashboardProcess, feedMore, loadPipeline, type LoadedPipeline } from './dashboard-support.js';
import { expectedGlobalMetrics } from './marts-expected.js';

/**
 * The page in real headless Chromium (Debian's, through playwright-core)
 * against `turnover dashboard` over the real pipeline's marts: charts drawn
 * with data, filters that change the figures, waterfalls that add up, the
 * empty state, a warehouse outage. ECharts' own options are read from the
 * page. Every request to a host other than 127.0.0.1 is blocked and must not
 * have been attempted. Screenshots: test-artifacts/dashboard/.
 */

// The page's globals, for the functions that run in the browser (the project compiles without the DOM library).
interface ChartInstance {
  getOption(): Record<string, unknown[]>;
  convertToPixel(finder: object, value: number[]): number[];
}
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  getElementById(id: string): { getBoundingClientRect(): { left: number; top: number } };
  querySelectorAll(selector: string): ArrayLike<{ value: string }>;
};
declare const window: { turnoverDashboard: { charts: Record<string, ChartInstance> } };

const SHOTS = join(ARTIFACTS_DIR, 'dashboard');
const CHARTS = ['turnover', 'transactions', 'accounts', 'average', 'waterfall', 'effects', 'mix', 'rates', 'rejects'] as const;
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const cents = (value: number): number => Math.round(value * 100);

interface SeriesView {
  name: string;
  type: string;
  data: unknown[];
}

/** Waits until the page finished a refresh after `generation` and is in one of `states`. */
async function settled(page: Page, generation: number, states: readonly string[] = ['ready']): Promise<number> {
  await page.waitForFunction(
    ([after, wanted]) =>
      Number(document.body.dataset.generation ?? 0) > (after as number) && document.body.dataset.busy === undefined && (wanted as string[]).includes(document.body.dataset.state ?? ''),
    [generation, states] as const,
    { timeout: 30_000 },
  );
  return Number(await page.evaluate(() => document.body.dataset.generation));
}

const generationOf = async (page: Page): Promise<number> => Number((await page.evaluate(() => document.body.dataset.generation)) ?? 0);

/** A chart's series and x-axis as ECharts holds them (getOption), reduced to plain data. */
function chart(page: Page, name: string): Promise<{ x: unknown[]; series: SeriesView[] }> {
  return page.evaluate((chartName) => {
    const option = window.turnoverDashboard.charts[chartName]!.getOption();
    const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));
    return {
      x: ((option.xAxis?.[0] as { data?: unknown[] } | undefined)?.data ?? []) as unknown[],
      series: ((option.series ?? []) as { name: string; type: string; data: unknown[] }[]).map((s) => ({ name: s.name, type: s.type, data: plain(s.data) as unknown[] })),
    };
  }, name);
}

/** Picks a day in the drivers' day list and waits until its waterfall is drawn. */
async function showDay(page: Page, day: string): Promise<void> {
  await page.selectOption('#day', day);
  await page.waitForFunction(
    (wanted) => document.body.dataset.state === 'ready' && (window.turnoverDashboard.charts.waterfall!.getOption().xAxis![0] as { data: string[] }).data.at(-1) === wanted,
    day,
    { timeout: 30_000 },
  );
}

/** Changes a form control the way a person does (the page listens to `change`). */
async function change(page: Page, selector: string, value: string): Promise<number> {
  const generation = await generationOf(page);
  await page.fill(selector, value);
  await page.locator(selector).dispatchEvent('change');
  return settled(page, generation);
}

describe('dashboard page in headless Chromium', () => {
  let t: TestStack;
  let pipeline: LoadedPipeline;
  let dashboard: DashboardProcess;
  let base: string;
  let browser: TestBrowser;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await useStack();
    pipeline = await loadPipeline(t, 'dash_browser');
    dashboard = new DashboardProcess(pipeline.env);
    base = await dashboard.url;
    browser = await launchBrowser();
    browser.context.on('page', (page) => {
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
      });
    });
  });

  after(async () => {
    await browser?.close();
    await dashboard?.stop();
    await t?.release();
  });

  async function open(url: string, states: readonly string[] = ['ready']): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(url);
    await settled(page, 0, states);
    return page;
  }

  it('loads with data: every chart has non-empty series, the figures are the marts\'', { timeout: 120_000 }, async () => {
    const page = await open(base);
    for (const name of CHARTS) {
      const { series } = await chart(page, name);
      const values = series.flatMap((s) => s.data).map((d) => (typeof d === 'object' && d !== null && 'value' in d ? (d as { value: unknown }).value : d));
      const numbers = values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is number => typeof v === 'number' && v !== 0);
      assert.ok(series.length > 0 && numbers.length > 0, `chart ${name} has series with data`);
    }
    const expected = await expectedGlobalMetrics(pipeline.warehouseUrl, FEED_DAYS[0], LAST_DAY, null);
    const turnover = await chart(page, 'turnover');
    assert.deepEqual(turnover.x, [...FEED_DAYS]);
    assert.deepEqual(turnover.series.find((s) => s.name === 'Total')!.data, expected.days.map((d) => d.amountUsd));
    const rub = turnover.series.find((s) => s.name === 'RUB')!;
    assert.deepEqual(rub.data, expected.rows.filter((r) => r.currency === 430).map((r) => r.amountUsd));
    const gbp = turnover.series.find((s) => s.name === 'GBP')!;
    assert.equal(gbp.data[FEED_DAYS.indexOf(MISSING_RATE_DAY)], null, 'GBP without a rate is a gap, not 0');
    const transactions = await chart(page, 'transactions');
    const perDay = transactions.series.reduce((sums, s) => sums.map((sum, i) => sum + Number(s.data[i] ?? 0)), FEED_DAYS.map(() => 0));
    assert.deepEqual(perDay, expected.days.map((d) => d.transactions));

    const last = expected.days.at(-1)!;
    assert.equal(await page.textContent('[data-kpi=turnover] .kpi-value'), USD.format(last.amountUsd));
    assert.equal(await page.textContent('[data-kpi=transactions] .kpi-value'), String(last.transactions));
    assert.equal(await page.getAttribute('[data-kpi=turnover]', 'data-trend'), last.amountUsd < expected.days.at(-2)!.amountUsd ? 'down' : 'up');
    await page.screenshot({ path: join(SHOTS, 'dashboard-full.png'), fullPage: true });
    await page.close();
  });

  it('changing the date range and the currencies updates the figures (and the URL)', { timeout: 120_000 }, async () => {
    const page = await open(base);
    await change(page, '#from', '2022-10-03');
    await change(page, '#to', '2022-10-05');
    assert.deepEqual((await chart(page, 'turnover')).x, ['2022-10-03', '2022-10-04', '2022-10-05']);
    for (const iso of ['CAD', 'USD', 'CNY', 'GBP', 'TRY']) {
      const generation = await generationOf(page);
      await page.click(`#currencies input[data-iso=${iso}]`);
      await settled(page, generation);
    }
    const turnover = await chart(page, 'turnover');
    assert.deepEqual(turnover.series.map((s) => s.name), ['RUB', 'EUR', 'Total']);
    const expected = await expectedGlobalMetrics(pipeline.warehouseUrl, '2022-10-03', '2022-10-05', [430, 440]);
    assert.deepEqual(turnover.series.find((s) => s.name === 'Total')!.data, expected.days.map((d) => d.amountUsd));
    assert.equal(await page.textContent('[data-kpi=turnover] .kpi-value'), USD.format(expected.days.at(-1)!.amountUsd));
    const mix = await chart(page, 'mix');
    assert.deepEqual((mix.series[0]!.data as { name: string }[]).map((d) => d.name).sort(), ['EUR', 'RUB']);
    const url = new URL(page.url());
    assert.deepEqual([url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.get('currencies')], ['2022-10-03', '2022-10-05', 'RUB,EUR']);
    await page.screenshot({ path: join(SHOTS, 'dashboard-filtered.png'), fullPage: true });

    // the URL is the state: opening it again shows the same selection
    const again = await open(page.url());
    assert.deepEqual((await chart(again, 'turnover')).series.map((s) => s.name), ['RUB', 'EUR', 'Total']);
    await Promise.all([page.close(), again.close()]);
  });

  it('the waterfall of every day goes from the previous total to the day\'s, its bars adding up to the change to the cent', { timeout: 180_000 }, async () => {
    const page = await open(base);
    const days = await page.evaluate(() => Array.from(document.querySelectorAll('#day option'), (o) => o.value));
    const marts = await queryRows<Record<string, string>>(
      pipeline.warehouseUrl,
      `select date_update::text as day, turnover_prev_usd::text as prev, turnover_usd::text as cur, change_usd::text as change,
              accounts_effect::text as accounts, frequency_effect::text as frequency, ticket_effect::text as ticket, fx_effect::text as fx,
              entry_exit_effect::text as entry_exit,
              (select count(*) from cdm.turnover_drivers c where c.date_update = t.date_update and c.kind <> 'total')::text as currencies
         from cdm.turnover_drivers t where kind = 'total' order by date_update`,
    );
    assert.deepEqual([...days].sort(), marts.map((m) => m.day));
    for (const mart of marts) {
      await showDay(page, mart.day!);
      const bars = (await chart(page, 'waterfall')).series[0]!.data as { value: [number, number, number, number, string] }[];
      const [first, ...rest] = bars;
      const lastBar = rest.pop()!;
      const effects = rest.map((b) => cents(b.value[3]));
      assert.equal(cents(first!.value[2]), cents(Number(mart.prev)), `${mart.day}: starts at the previous day's total`);
      assert.equal(cents(lastBar.value[2]), cents(Number(mart.cur)), `${mart.day}: ends at the day's total`);
      assert.equal(effects.reduce((a, b) => a + b, 0), cents(Number(mart.change)), `${mart.day}: the bars add up to the change`);
      assert.deepEqual(effects, [mart.accounts, mart.frequency, mart.ticket, mart.fx, mart.entry_exit].map((v) => cents(Number(v))), `${mart.day}: each bar is the mart's effect`);
      // floating bars: each starts where the one before ended
      rest.forEach((bar, i) => assert.equal(cents(bar.value[1]), cents(i === 0 ? first!.value[2] : rest[i - 1]!.value[2])));
      assert.equal(await page.locator('#drivers-table tbody tr').count(), Number(mart.currencies), `${mart.day}: one table row per currency`);
    }

    // the per-currency breakdown of an effect on hover: the middle of the accounts bar
    await showDay(page, '2022-10-04');
    await page.locator('#panel-drivers').scrollIntoViewIfNeeded();
    const point = await page.evaluate(() => {
      const instance = window.turnoverDashboard.charts.waterfall!;
      const bar = (instance.getOption().series![0] as { data: { value: number[] }[] }).data[1]!.value;
      const [x, y] = instance.convertToPixel({ seriesIndex: 0 }, [1, (bar[1]! + bar[2]!) / 2]);
      const box = document.getElementById('chart-waterfall').getBoundingClientRect();
      return { x: box.left + x!, y: box.top + y! };
    });
    await page.mouse.move(point.x, point.y);
    const tooltip = page.locator('#chart-waterfall .tt');
    await tooltip.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await tooltip.textContent()) ?? '', /Accounts effect: [+\u2212]\$[\d,]+\.\d\d.*RUB/s);
    await page.locator('#panel-drivers').screenshot({ path: join(SHOTS, 'dashboard-drivers-tooltip.png') });
    await page.close();
  });

  it('the USD rates used, stale and missing ones marked; data quality and freshness', { timeout: 60_000 }, async () => {
    const page = await open(base);
    const rates = await chart(page, 'rates');
    const stale = rates.series.find((s) => s.name === 'stale (earlier quote)')!;
    assert.deepEqual((stale.data as { value: [string, number]; name: string }[]).map((d) => [d.value[0], d.name]), [[STALE_RATE_DAY, 'EUR']]);
    const note = (await page.textContent('#rates-note')) ?? '';
    assert.match(note, new RegExp(`EUR on ${STALE_RATE_DAY} at [\\d.]+ of 2022-10-03`));
    assert.match(note, new RegExp(`GBP on ${MISSING_RATE_DAY}`));
    assert.equal(await page.textContent('[data-fact=lag] .fact-value'), `${pipeline.unlanded} messages`);
    assert.equal(await page.textContent('[data-fact=rejects] .fact-value'), '3');
    assert.equal(await page.getAttribute('[data-fact=build]', 'class'), 'fact ok');
    assert.equal(await page.textContent('[data-fact=stg] .fact-value'), '0 records');
    const rejectReasons = (await chart(page, 'rejects')).series.map((s) => s.name).sort();
    const martReasons = await queryRows<{ dimension: string }>(pipeline.warehouseUrl, "select distinct dimension from cdm.data_quality_daily where metric = 'rejects' order by 1");
    assert.deepEqual(rejectReasons, martReasons.map((r) => r.dimension));
    await page.locator('#panel-quality').screenshot({ path: join(SHOTS, 'dashboard-quality.png') });
    await page.close();
  });

  it('the empty state says what to run: an empty warehouse, and one not migrated', { timeout: 120_000 }, async () => {
    const empty = await migratedDatabases(t, 'dash_browser_empty');
    const bare = await t.freshDatabases('dash_browser_bare');
    const onEmpty = new DashboardProcess({ TURNOVER_WAREHOUSE_URL: empty.warehouseUrl });
    const onBare = new DashboardProcess({ TURNOVER_WAREHOUSE_URL: bare.warehouseUrl });
    try {
      const page = await open(await onEmpty.url, ['empty']);
      assert.ok(await page.isVisible('#empty'));
      assert.ok(await page.isHidden('#content'));
      const text = (await page.textContent('#empty')) ?? '';
      assert.match(text, /No data yet/);
      for (const step of ['turnover migrate', 'turnover load-stg --until-caught-up', 'turnover build-marts']) assert.ok(text.includes(step), step);
      await page.screenshot({ path: join(SHOTS, 'dashboard-empty.png'), fullPage: true });
      const unmigrated = await open(await onBare.url, ['empty']);
      assert.match((await unmigrated.textContent('#empty')) ?? '', /no turnover schema yet.*turnover migrate/s);
      await Promise.all([page.close(), unmigrated.close()]);
    } finally {
      await Promise.all([onEmpty.stop(), onBare.stop()]);
    }
  });

  it('the warehouse unreachable: a readable error over the last figures, then back by itself', { timeout: 120_000 }, async () => {
    const target = new URL(pipeline.warehouseUrl);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port));
    const viaProxy = new URL(pipeline.warehouseUrl);
    viaProxy.port = String(proxy.port);
    const flaky = new DashboardProcess({ ...pipeline.env, TURNOVER_WAREHOUSE_URL: viaProxy.href });
    const errorsBefore = consoleErrors.length;
    try {
      const page = await open(`${await flaky.url}?refresh=2`);
      let generation = await generationOf(page);
      await proxy.cut();
      generation = await settled(page, generation, ['error']);
      const banner = (await page.textContent('#banner')) ?? '';
      assert.match(banner, /Cannot show current figures\. The warehouse is not reachable/);
      assert.match(banner, /The figures below are from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      assert.ok(await page.isVisible('#content'), 'the last figures stay on screen');
      await page.screenshot({ path: join(SHOTS, 'dashboard-outage.png') });
      await proxy.restore();
      await settled(page, generation, ['ready']);
      assert.ok(await page.isHidden('#banner'));
      await page.close();
    } finally {
      await flaky.stop();
      await proxy.cut();
    }
    // the only console errors of the outage are the browser's own lines about the 503 answers
    assert.ok(consoleErrors.slice(errorsBefore).every((line) => /status of 503/.test(line)), consoleErrors.slice(errorsBefore).join('\n'));
    consoleErrors.splice(errorsBefore);
  });

  it('nonsense in the page URL is ignored: the defaults are shown', { timeout: 60_000 }, async () => {
    const page = await open(`${base}?from=garbage&to=2022-99-99&currencies=XYZ,%3Cscript%3Ealert(1)%3C/script%3E&day=x&refresh=-4`);
    assert.deepEqual((await chart(page, 'turnover')).x, [...FEED_DAYS]);
    assert.equal(await page.locator('#currencies input:checked').count(), 7);
    await page.close();
  });

  it('with auto-refresh, a day the pipeline builds meanwhile appears by itself', { timeout: 240_000 }, async () => {
    const page = await open(`${base}?refresh=2`);
    assert.equal((await chart(page, 'turnover')).x.at(-1), LAST_DAY);
    const next = addDays(LAST_DAY, 1);
    await feedMore(t, pipeline, laterDay(next));
    await page.waitForFunction((day) => (window.turnoverDashboard.charts.turnover!.getOption().xAxis![0] as { data: string[] }).data.at(-1) === day, next, { timeout: 30_000 });
    await settled(page, await generationOf(page));
    const expected = await expectedGlobalMetrics(pipeline.warehouseUrl, next, next, null);
    assert.ok(expected.days[0]!.amountUsd > 0);
    assert.equal(await page.textContent('[data-kpi=turnover] .kpi-value'), USD.format(expected.days[0]!.amountUsd));
    assert.equal((await chart(page, 'turnover')).series.find((s) => s.name === 'Total')!.data.at(-1), expected.days[0]!.amountUsd);
    assert.equal(await page.inputValue('#day'), next, 'the waterfall follows to the new day');
    assert.equal(await page.textContent('[data-fact=lag] .fact-value'), '0 messages', 'everything in Kafka has been landed');
    await page.close();
  });

  it('asked nothing of any host but 127.0.0.1, and threw no error', () => {
    assert.deepEqual(browser.blocked, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});
