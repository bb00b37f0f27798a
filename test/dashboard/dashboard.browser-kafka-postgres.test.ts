import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { addDays } from '../../src/contracts/days.js';
import { migratedDatabases, queryRows } from '../staging/landing-support.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { ARTIFACTS_DIR } from '../support/paths.js';
import { useStack, type TestStack } from '../support/stack.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { FEED_DAYS, FIRST_DAY, laterDay, LAST_DAY, MISSING_RATE_DAY, STALE_RATE_DAY } from './dashboard-feed.js';
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

/**
 * A day's counted transactions before a moment, and their USD at the day's
 * rate, summed here from STG's rows (not by the dashboard's SQL): done, no
 * test account, per currency rounded once to the cent.
 */
async function hoursOfDayIn(warehouseUrl: string, day: string, until: string): Promise<{ transactions: number; usd: number }> {
  const rows = await queryRows<{ currency_code: number; amount: string; transaction_dt: string; status: string; account_number_from: string; account_number_to: string }>(
    warehouseUrl,
    `select currency_code, amount::text, to_char(transaction_dt, 'YYYY-MM-DD HH24:MI:SS.US') as transaction_dt, status, account_number_from::text, account_number_to::text
       from stg.transactions where transaction_date = $1`,
    [day],
  );
  const rates = new Map((await queryRows<{ currency_code: number; rate: string }>(warehouseUrl, 'select currency_code, rate::text from cdm.usd_rates_daily where date_update = $1', [day])).map((r) => [r.currency_code, Number(r.rate)]));
  const counted = rows.filter((r) => r.status === 'done' && Number(r.account_number_from) >= 0 && Number(r.account_number_to) >= 0 && r.transaction_dt < until);
  const minorByCurrency = new Map<number, bigint>();
  for (const r of counted) minorByCurrency.set(r.currency_code, (minorByCurrency.get(r.currency_code) ?? 0n) + BigInt(Math.abs(Number(r.amount))));
  let usdCents = 0;
  for (const [currency, minor] of minorByCurrency) if (rates.has(currency)) usdCents += Math.round(Number(minor) * rates.get(currency)!);
  return { transactions: counted.length, usd: usdCents / 100 };
}

describe('dashboard page in headless Chromium', () => {
  let t: TestStack;
  let pipeline: LoadedPipeline;
  let dashboard: DashboardProcess;
  let base: string;
  let browser: TestBrowser;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  const hoursOfDay = (day: string, until: string) => hoursOfDayIn(pipeline.warehouseUrl, day, until);

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
    // the lag in seconds, bounded by the age of the last landed record of each waiting partition; the count beside it
    assert.match((await page.textContent('[data-fact=lag] .fact-value')) ?? '', /^(≤ \d+ (s|min)|< 1 s)$/);
    assert.match((await page.textContent('[data-fact=lag] .fact-detail')) ?? '', new RegExp(`^${pipeline.unlanded} messages in Kafka not landed yet .*target ≤ 5 s$`));
    assert.equal(await page.textContent('[data-fact=rejects] .fact-value'), '3');
    assert.equal(await page.textContent('[data-fact=build] .fact-value'), 'current', 'STG loaded nothing since the last build');
    assert.equal(await page.getAttribute('[data-fact=build]', 'class'), 'fact ok');
    assert.equal(await page.textContent('[data-fact=stg] .fact-value'), '0 s');
    assert.match((await page.textContent('[data-fact=stg] .fact-detail')) ?? '', /^0 records waiting; last STG load /);
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

  it('today is a partial day: marked "so far", never compared with a whole day; the headline can compare the same hours of yesterday', { timeout: 180_000 }, async () => {
    // the server's clock on the last day of the feed at 12:30 UTC, and running: the fixtures' transactions of a
    // day fall before 12:10 and after 14:14, so every cut until 14:14 leaves out the same rows
    const now = `${LAST_DAY}T12:30:00Z`;
    const cut = (until: string): string => until.slice(0, 11) + '14:00:00';
    const yesterday = addDays(LAST_DAY, -1);
    const partialDashboard = new DashboardProcess({ ...pipeline.env, TURNOVER_TEST_NOW: now });
    try {
      const page = await open(`${await partialDashboard.url}?from=${FIRST_DAY}&to=${LAST_DAY}`);
      const expected = await expectedGlobalMetrics(pipeline.warehouseUrl, FIRST_DAY, LAST_DAY, null);
      const whole = expected.days.find((d) => d.day === yesterday)!;
      const before = expected.days.find((d) => d.day === addDays(yesterday, -1))!;
      const partial = expected.days.find((d) => d.day === LAST_DAY)!;
      // the headline: the last complete day against the one before it; today's figure named partial, not compared
      assert.equal(await page.textContent('[data-kpi=turnover] .kpi-label'), `USD turnover on ${yesterday}, the last complete day`);
      assert.equal(await page.textContent('[data-kpi=turnover] .kpi-value'), USD.format(whole.amountUsd));
      const detail = (await page.textContent('[data-kpi=turnover] .kpi-detail')) ?? '';
      assert.match(detail, new RegExp(`vs ${addDays(yesterday, -1)}`));
      assert.ok(detail.endsWith(`${LAST_DAY} so far: ${USD.format(partial.amountUsd)} (partial day, not compared)`), detail);
      assert.equal(await page.getAttribute('[data-kpi=turnover]', 'data-trend'), whole.amountUsd < before.amountUsd ? 'down' : 'up');
      // every chart of days marks today "so far": a dashed line, its points faded, the axis label
      for (const name of ['turnover', 'transactions', 'accounts', 'average', 'effects', 'rates', 'rejects']) {
        const marked = await page.evaluate((chartName) => {
          const option = window.turnoverDashboard.charts[chartName]!.getOption() as Record<string, unknown[]>;
          const first = option.series![0] as { markLine?: { data: { xAxis: string }[]; label: { formatter: string } } };
          const formatter = (option.xAxis![0] as { axisLabel: { formatter: (d: string) => string } }).axisLabel.formatter;
          return { line: JSON.parse(JSON.stringify(first.markLine ?? null)) as { data: { xAxis: string }[]; label: { formatter: string } } | null, label: formatter('2022-10-07'), before: formatter('2022-10-06') };
        }, name);
        assert.ok(marked.line, `${name} marks the partial day`);
        assert.deepEqual(marked.line.data.map((d) => d.xAxis), [LAST_DAY], name);
        assert.equal(marked.line.label.formatter, 'so far');
        assert.deepEqual([marked.label, marked.before], ['10-07 (so far)', '10-06'], name);
      }
      const faded = await page.evaluate(() => JSON.parse(JSON.stringify((window.turnoverDashboard.charts.turnover!.getOption().series as { name: string; data: unknown[] }[]).find((s) => s.name === 'Total')!.data.at(-1))) as { value: number; itemStyle: { opacity: number } });
      assert.deepEqual(faded, { value: partial.amountUsd, itemStyle: { opacity: 0.45 } }, "today's total is drawn faded");
      // the waterfall explains the last complete day; today is offered, labelled
      assert.equal(await page.inputValue('#day'), yesterday);
      assert.equal(await page.textContent(`#day option[value="${LAST_DAY}"]`), `${LAST_DAY} (so far)`);
      await page.screenshot({ path: join(SHOTS, 'dashboard-partial-day.png'), fullPage: true });

      // today so far against yesterday until the same time, counted independently from STG's rows
      const generation = await generationOf(page);
      await page.selectOption('#compare', 'today');
      await settled(page, generation);
      assert.match(page.url(), /compare=today/);
      const soFar = await hoursOfDay(LAST_DAY, cut(`${LAST_DAY} `));
      const sameHours = await hoursOfDay(yesterday, cut(`${yesterday} `));
      assert.ok(soFar.transactions > 0 && soFar.transactions < partial.transactions, 'the cut leaves part of the day out');
      const label = (await page.textContent('[data-kpi=turnover] .kpi-label')) ?? '';
      const until = new RegExp(`^USD turnover today so far, ${LAST_DAY} until (\\d\\d:\\d\\d) UTC \\(partial day\\)$`).exec(label)?.[1];
      assert.ok(until && until >= '12:30' && until < '14:14', label);
      assert.equal(await page.textContent('[data-kpi=turnover] .kpi-value'), USD.format(soFar.usd));
      assert.match((await page.textContent('[data-kpi=turnover] .kpi-detail')) ?? '', new RegExp(`vs ${yesterday} until ${until} UTC`));
      assert.equal(await page.textContent('[data-kpi=transactions] .kpi-value'), String(soFar.transactions));
      assert.equal(await page.textContent('[data-kpi=transactions] .kpi-detail'), `${sameHours.transactions} on ${yesterday} until ${until} UTC`);
      assert.equal(await page.getAttribute('[data-kpi=turnover]', 'data-trend'), soFar.usd < sameHours.usd ? 'down' : soFar.usd > sameHours.usd ? 'up' : 'flat');
      await page.locator('#kpis').screenshot({ path: join(SHOTS, 'dashboard-today-so-far.png') });

      // a range without today has nothing partial: the choice is off and the headline is the last day
      await change(page, '#to', addDays(LAST_DAY, -2));
      assert.equal(await page.isDisabled('#compare'), true);
      assert.equal(await page.textContent('[data-kpi=turnover] .kpi-label'), `USD turnover on ${addDays(LAST_DAY, -2)}, the last complete day`);
      await page.close();
    } finally {
      await partialDashboard.stop();
    }
  });

  it('range presets, a CSV of every chart and table, a collapsible data-quality table', { timeout: 120_000 }, async () => {
    const page = await open(base);
    const preset = async (name: string): Promise<void> => {
      const generation = await generationOf(page);
      await page.click(`[data-preset="${name}"]`);
      await settled(page, generation);
    };
    // the feed's days are all in the past: presets end on the last day with data
    await preset('7d');
    assert.deepEqual([await page.inputValue('#from'), await page.inputValue('#to')], [addDays(LAST_DAY, -6), LAST_DAY]);
    assert.match(page.url(), new RegExp(`from=${addDays(LAST_DAY, -6)}&to=${LAST_DAY}`));
    await preset('mtd');
    assert.deepEqual([await page.inputValue('#from'), await page.inputValue('#to')], [`${LAST_DAY.slice(0, 8)}01`, LAST_DAY]);
    await change(page, '#from', '2022-10-03');
    assert.equal(await page.getAttribute('#from', 'type'), 'date', 'a date picker, not a text box');

    // the CSV of the turnover chart holds the global_metrics rows of the range, unformatted
    const download = async (name: string): Promise<string[]> => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-csv="${name}"]`).first().click()]);
      assert.equal(file.suggestedFilename(), `turnover-${name}-2022-10-03_${LAST_DAY}.csv`);
      return readFileSync(await file.path(), 'utf8').trimEnd().split('\r\n');
    };
    const metrics = await download('global-metrics');
    const expected = await expectedGlobalMetrics(pipeline.warehouseUrl, '2022-10-03', LAST_DAY, null);
    assert.equal(metrics[0], 'day,currency,amount_usd,transactions,accounts,avg_transactions_per_account');
    assert.equal(metrics.length - 1, expected.rows.length);
    const rub = expected.rows.find((r) => r.currency === 430)!;
    assert.ok(metrics.includes(`${rub.day},RUB,${rub.amountUsd},${rub.transactions},${rub.accounts},${rub.avgTransactionsPerAccount}`), metrics.slice(0, 4).join('\n'));
    for (const name of ['drivers', 'effects', 'mix', 'rates', 'rejects', 'quality']) {
      const lines = await download(name);
      assert.ok(lines.length > 1 && lines[0]!.includes(','), `${name}: a header and rows`);
    }
    const quality = await download('quality');
    assert.equal(quality.length - 1, await page.locator('#quality-table tbody tr').count());

    // the data-quality table folds away; its summary counts its rows
    assert.match((await page.textContent('#quality-details summary')) ?? '', new RegExp(`\\(${quality.length - 1} metrics\\)`));
    const folded = await page.evaluate(() => (document.getElementById('quality-details') as unknown as { open: boolean }).open);
    await page.click('#quality-details summary');
    assert.equal(await page.evaluate(() => (document.getElementById('quality-details') as unknown as { open: boolean }).open), !folded);
    await page.locator('#panel-quality').screenshot({ path: join(SHOTS, 'dashboard-quality-folded.png') });
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
    assert.equal(await page.textContent('[data-fact=lag] .fact-value'), '0 s', 'everything in Kafka has been landed');
    assert.match((await page.textContent('[data-fact=lag] .fact-detail')) ?? '', /^0 messages /);
    await page.close();
  });

  it('asked nothing of any host but 127.0.0.1, and threw no error', () => {
    assert.deepEqual(browser.blocked, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});
