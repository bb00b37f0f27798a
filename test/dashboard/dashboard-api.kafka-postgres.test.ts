import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import pg from 'pg';
import { martSnapshot } from '../marts/marts-support.js';
import { migratedDatabases, queryRows } from '../staging/landing-support.js';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { EXIT_DAY, FIRST_DAY, LAST_DAY, MISSING_RATE_DAY, REJECTS_DAY, STALE_RATE_DAY } from './dashboard-feed.js';
import { DashboardProcess, getJson, loadPipeline, PARTITIONS, UNLANDED, type LoadedPipeline } from './dashboard-support.js';
import { expectedCurrencyMix, expectedDataQuality, expectedDrivers, expectedGlobalMetrics, expectedRates } from './marts-expected.js';

/**
 * The JSON API of `turnover dashboard` (a real child process) over a warehouse
 * filled by the real pipeline from the live-feed fixtures: every answer equals
 * what the marts hold (read with the test's own SQL), bad input is a 400 and
 * never a 500, nothing writes.
 */

const RUB = 430;
const TRY = 470;
const EUR = 440;
const GBP = 460;
const USD = 420;

const cents = (value: number): number => Math.round(value * 100);

describe('dashboard API over the marts of the live-feed fixtures', () => {
  let t: TestStack;
  let pipeline: LoadedPipeline;
  let dashboard: DashboardProcess;
  let base: string;

  before(async () => {
    t = await useStack();
    pipeline = await loadPipeline(t, 'dash_api');
    dashboard = new DashboardProcess(pipeline.env);
    base = await dashboard.url;
  });

  after(async () => {
    const exit = await dashboard?.stop();
    await t?.release();
    assert.deepEqual(exit, { code: 0, signal: null }, `SIGTERM must stop the dashboard cleanly: ${dashboard?.stderr}`);
  });

  it('listens on loopback and prints its URL', () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('/api/overview: the extent of the marts, the last build and STG load', { timeout: 60_000 }, async () => {
    const { status, body } = await getJson(base, '/api/overview');
    assert.equal(status, 200);
    const [marts] = await queryRows<Record<string, string>>(
      pipeline.warehouseUrl,
      `select (select min(date_update)::text from cdm.global_metrics) as first_day, (select max(date_update)::text from cdm.global_metrics) as last_day,
              (select count(distinct date_update)::text from cdm.global_metrics) as days_with_data,
              (select max(date_update)::text from cdm.build_days) as last_built_day, (select max(last_built_at) from cdm.build_days) as last_built_at,
              (select count(*)::text from cdm.build_days) as days_built,
              (select max(date_update)::text from cdm.turnover_drivers where kind = 'total') as last_drivers_day,
              (select count(*)::text from stg.load_state) as stg_partitions, (select max(updated_at) from stg.load_state) as stg_loaded_at`,
    );
    assert.deepEqual(body.marts, {
      firstDay: marts!.first_day,
      lastDay: marts!.last_day,
      daysWithData: Number(marts!.days_with_data),
      lastBuiltDay: marts!.last_built_day,
      lastBuiltAt: new Date(marts!.last_built_at!).toISOString(),
      daysBuilt: Number(marts!.days_built),
      lastDriversDay: marts!.last_drivers_day,
    });
    assert.deepEqual(body.stg, { partitions: PARTITIONS, loadedAt: new Date(marts!.stg_loaded_at!).toISOString() });
    // known from the feed: a week of data, the day before it built empty
    assert.equal(body.status, 'ok');
    assert.deepEqual([marts!.first_day, marts!.last_day], [FIRST_DAY, LAST_DAY]);
    assert.deepEqual(body.defaultRange, { from: FIRST_DAY, to: LAST_DAY });
    assert.deepEqual((body.currencies as { iso: string }[]).map((c) => c.iso), ['CAD', 'USD', 'RUB', 'EUR', 'CNY', 'GBP', 'TRY']);
  });

  it('/api/global-metrics: rows and day totals equal cdm.global_metrics, for any range and currency set', { timeout: 60_000 }, async () => {
    const cases: [string, readonly number[] | null, string][] = [
      [`/api/global-metrics?from=${FIRST_DAY}&to=${LAST_DAY}`, null, 'everything'],
      [`/api/global-metrics?from=${FIRST_DAY}&to=2022-10-03&currencies=USD,gbp`, [USD, GBP], 'ISO codes, any case'],
      [`/api/global-metrics?from=2022-10-04&to=2022-10-06&currencies=430,470,440`, [RUB, EUR, TRY], 'numeric codes'],
      ['/api/global-metrics?from=2022-09-01&to=2022-09-30', null, 'a range without data'],
      ['/api/global-metrics', null, 'the default range'],
    ];
    for (const [path, codes, what] of cases) {
      const { status, body } = await getJson(base, path);
      assert.equal(status, 200, what);
      const range = body.range as { from: string; to: string };
      const expected = await expectedGlobalMetrics(pipeline.warehouseUrl, range.from, range.to, codes);
      assert.deepEqual({ builtDays: body.builtDays, rows: body.rows, days: body.days }, expected, what);
      assert.deepEqual(body.currencies, codes ?? 'all', what);
    }
    // known from the feed: GBP has no USD rate on its first day, so that day's total leaves it out (never as 0)
    const { body } = await getJson(base, `/api/global-metrics?from=${MISSING_RATE_DAY}&to=${MISSING_RATE_DAY}&currencies=GBP`);
    assert.equal((body.rows as { amountUsd: number | null }[])[0]!.amountUsd, null);
    assert.deepEqual((body.days as { currenciesWithoutRate: number[] }[])[0]!.currenciesWithoutRate, [GBP]);
  });

  it('/api/drivers: rows equal cdm.turnover_drivers; each waterfall adds up to its change to the cent', { timeout: 60_000 }, async () => {
    const cases: [string, readonly number[] | null][] = [
      [`/api/drivers?from=${FIRST_DAY}&to=${LAST_DAY}`, null],
      [`/api/drivers?day=${EXIT_DAY}&currencies=RUB,TRY`, [RUB, TRY]],
      [`/api/drivers?from=${FIRST_DAY}&to=2022-10-02&currencies=GBP,USD`, [USD, GBP]],
    ];
    for (const [path, codes] of cases) {
      const { status, body } = await getJson(base, path);
      assert.equal(status, 200, path);
      const range = body.range as { from: string; to: string };
      const expected = await expectedDrivers(pipeline.warehouseUrl, range.from, range.to, codes);
      assert.deepEqual({ days: body.days, rows: body.rows }, expected, path);
      for (const day of body.days as { day: string; total: Waterfall; selected: Waterfall }[]) {
        for (const w of [day.total, day.selected]) {
          const effects = Object.values(w.effects).reduce((sum, v) => sum + cents(v), 0);
          assert.equal(effects, cents(w.changeUsd), `${path} ${day.day}: effects add up to the change`);
          assert.equal(cents(w.turnoverPrevUsd) + effects, cents(w.turnoverUsd), `${path} ${day.day}: previous total + effects = total`);
        }
        if (codes === null) assert.deepEqual(day.selected, day.total, `${day.day}: every currency selected = the mart's total row`);
      }
    }
    // known from the feed: TRY leaves on EXIT_DAY, GBP is left out on the first two days (no rate on the first)
    const exit = (await getJson(base, `/api/drivers?day=${EXIT_DAY}&currencies=TRY`)).body as unknown as { rows: { kind: string; turnoverPrevUsd: number; effects: { entryExit: number } }[] };
    assert.equal(exit.rows[0]!.kind, 'exit');
    assert.equal(exit.rows[0]!.effects.entryExit, -exit.rows[0]!.turnoverPrevUsd);
    const gbp = (await getJson(base, `/api/drivers?from=${FIRST_DAY}&to=2022-10-02&currencies=GBP`)).body as unknown as { days: { excluded: number[] }[] };
    assert.deepEqual(gbp.days.map((d) => d.excluded), [[GBP], [GBP]]);
  });

  it('/api/currency-mix: sums per currency equal the marts and the shares add up to 1', { timeout: 60_000 }, async () => {
    for (const [query, codes] of [['', null], ['&currencies=RUB,EUR,GBP', [RUB, EUR, GBP]]] as const) {
      const { status, body } = await getJson(base, `/api/currency-mix?from=${FIRST_DAY}&to=${LAST_DAY}${query}`);
      assert.equal(status, 200);
      const rows = body.rows as { currency: number; amountUsd: number; transactions: number; share: number; daysWithoutRate: number }[];
      const expected = await expectedCurrencyMix(pipeline.warehouseUrl, FIRST_DAY, LAST_DAY, codes);
      assert.deepEqual(rows.map(({ share: _share, ...rest }) => rest), expected);
      const total = expected.reduce((sum, r) => sum + (r.amountUsd ?? 0), 0);
      for (const row of rows) assert.ok(Math.abs(row.share - row.amountUsd / total) < 1e-6, `share of ${row.currency}`);
      assert.ok(Math.abs(rows.reduce((sum, r) => sum + r.share, 0) - 1) < 1e-5);
    }
  });

  it('/api/rates: the rates of cdm.usd_rates_daily with their status, and the missing ones', { timeout: 60_000 }, async () => {
    const { status, body } = await getJson(base, `/api/rates?from=${FIRST_DAY}&to=${LAST_DAY}`);
    assert.equal(status, 200);
    assert.deepEqual(body.rows, await expectedRates(pipeline.warehouseUrl, FIRST_DAY, LAST_DAY, null));
    const rows = body.rows as { day: string; currency: number; status: string; rateDay: string | null }[];
    // known from the feed: EUR's quote of STALE_RATE_DAY was left out, GBP's of the first day too
    assert.deepEqual(rows.filter((r) => r.status === 'stale').map((r) => [r.day, r.currency, r.rateDay]), [[STALE_RATE_DAY, EUR, '2022-10-03']]);
    assert.deepEqual(rows.filter((r) => r.status === 'missing').map((r) => [r.day, r.currency]), [[MISSING_RATE_DAY, GBP]]);
    const filtered = await getJson(base, `/api/rates?from=${FIRST_DAY}&to=${LAST_DAY}&currencies=EUR`);
    assert.deepEqual(filtered.body.rows, await expectedRates(pipeline.warehouseUrl, FIRST_DAY, LAST_DAY, [EUR]));
  });

  it('/api/data-quality: the rows of cdm.data_quality_daily and their sums', { timeout: 60_000 }, async () => {
    const { status, body } = await getJson(base, `/api/data-quality?from=${FIRST_DAY}&to=${LAST_DAY}`);
    assert.equal(status, 200);
    const expected = await expectedDataQuality(pipeline.warehouseUrl, FIRST_DAY, LAST_DAY);
    assert.deepEqual(body.rows, expected);
    const totals = body.totals as { metric: string; dimension: string; value: number }[];
    for (const total of totals) {
      const sum = expected.filter((r) => r.metric === total.metric && r.dimension === total.dimension).reduce((s, r) => s + cents(r.value), 0);
      assert.equal(cents(total.value), sum, `${total.metric}/${total.dimension}`);
    }
    // known from the feed: three malformed messages on REJECTS_DAY, each for another reason
    const rejects = expected.filter((r) => r.metric === 'rejects');
    assert.equal(rejects.reduce((s, r) => s + r.value, 0), 3);
    assert.ok(rejects.every((r) => r.day === REJECTS_DAY && r.value === 1));
  });

  it('/api/freshness: last record landed, consumer lag, STG backlog, last build', { timeout: 60_000 }, async () => {
    const { status, body } = await getJson(base, '/api/freshness');
    assert.equal(status, 200);
    const landing = body.landing as { status: string; lastLandedAt: string; backlogToStg: number; partitions: { partition: number; lastOffset: number; groupNextOffset: number }[] };
    const kafka = body.kafka as { status: string; lag: number; partitions: { lag: number; endOffset: number; nextOffset: number }[] };
    const [raw] = await queryRows<{ landed_at: Date; landed: string }>(pipeline.stagingUrl, 'select max(ingested_at) as landed_at, count(*)::text as landed from raw.kafka_messages where topic = $1', [pipeline.topic]);
    assert.equal(landing.status, 'ok');
    assert.equal(landing.lastLandedAt, raw!.landed_at.toISOString());
    assert.equal(Number(raw!.landed), pipeline.landed);
    assert.equal(landing.partitions.length, PARTITIONS);
    for (const p of landing.partitions) assert.equal(p.groupNextOffset, p.lastOffset + 1, `partition ${p.partition}: the group's offset follows the last landed record`);
    assert.equal(landing.backlogToStg, 0, 'load-stg ran until caught up');
    // known: messages were produced after the ingester stopped (UNLANDED, measured by the test in Kafka)
    assert.equal(kafka.status, 'ok');
    assert.equal(kafka.lag, pipeline.unlanded);
    assert.ok(kafka.lag >= UNLANDED);
    assert.equal(kafka.partitions.reduce((s, p) => s + p.endOffset - p.nextOffset, 0), pipeline.unlanded);
    const [build] = await queryRows<{ built_at: Date }>(pipeline.warehouseUrl, 'select max(last_built_at) as built_at from cdm.build_days');
    assert.equal((body.marts as { lastBuiltAt: string }).lastBuiltAt, build!.built_at.toISOString());
  });

  it('bad input is a 400 with a reason, never a 500; unknown paths 404', { timeout: 120_000 }, async () => {
    const bad = [
      '/api/global-metrics?from=2022-13-01&to=2022-10-02',
      '/api/global-metrics?from=2022-02-30&to=2022-03-02',
      '/api/global-metrics?from=20221001&to=20221002',
      '/api/global-metrics?from=2022-10-01',
      '/api/global-metrics?from=2022-10-05&to=2022-10-01',
      '/api/global-metrics?from=2020-01-01&to=2022-10-01',
      "/api/global-metrics?from=2022-10-01'%20or%20'1'='1&to=2022-10-02",
      '/api/global-metrics?from=2022-10-01&to=2022-10-02;drop%20table%20cdm.global_metrics',
      '/api/global-metrics?currencies=XYZ',
      '/api/global-metrics?currencies=999',
      '/api/global-metrics?currencies=',
      '/api/global-metrics?currencies=420)%20or%201=1--',
      "/api/drivers?currencies=USD'%3Bdelete%20from%20cdm.turnover_drivers%3B--",
      '/api/drivers?day=2022-10-01&from=2022-10-01&to=2022-10-02',
      '/api/drivers?day=yesterday',
      '/api/rates?from=2022-10-01&to=2022-10-02&from=2022-10-03',
      '/api/rates?limit=10',
      `/api/rates?currencies=${'USD,'.repeat(80)}USD`,
      '/api/data-quality?currencies=USD',
      '/api/freshness?from=2022-10-01',
      '/api/overview?x=1',
    ];
    for (const path of bad) {
      const { status, body } = await getJson<{ error: { code: string; message: string } }>(base, path);
      assert.equal(status, 400, `${path}: ${JSON.stringify(body)}`);
      assert.equal(body.error.code, 'bad_request');
      assert.ok(body.error.message.length > 10, path);
    }
    assert.equal((await getJson(base, '/api/nope')).status, 404);
    // any value in any parameter: 200 or 400, never anything else
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/global-metrics', '/api/drivers', '/api/rates', '/api/currency-mix', '/api/data-quality'),
        fc.dictionary(fc.constantFrom('from', 'to', 'day', 'currencies', 'x'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('2022-10-01', '2022-10-07', 'USD', '430,EUR', "'; drop table x; --"))),
        async (path, params) => {
          const response = await fetch(new URL(`${path}?${new URLSearchParams(params)}`, base));
          await response.arrayBuffer();
          return response.status === 200 || response.status === 400;
        },
      ),
      { numRuns: 150 },
    );
  });

  it('days outside 0001-9999 are a 400 with a reason, and a bad day never logs a stack trace', { timeout: 120_000 }, async () => {
    for (const path of ['/api/drivers?day=0000-01-01', '/api/drivers?day=10000-01-01', '/api/global-metrics?from=0000-12-31&to=0001-01-01', '/api/rates?from=9999-12-31&to=+10000-01-01']) {
      const { status, body } = await getJson<{ error: { code: string; message: string } }>(base, path);
      assert.equal(status, 400, path);
      assert.equal(body.error.code, 'bad_request');
      assert.match(body.error.message, /YYYY-MM-DD from 0001-01-01 to 9999-12-31/, path);
    }
    for (const path of ['/api/drivers?day=0001-01-01', '/api/global-metrics?from=9999-12-01&to=9999-12-31', '/api/data-quality?from=0001-01-01&to=0001-12-31']) {
      assert.equal((await getJson(base, path)).status, 200, path);
    }
    // any year: 200 inside the range, 400 outside, never anything else
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 12 }), async (year, month) => {
        const day = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
        const response = await fetch(new URL(`/api/drivers?day=${day}`, base));
        await response.arrayBuffer();
        assert.equal(response.status, year >= 1 && year <= 9999 ? 200 : 400, day);
      }),
      { seed: 16, numRuns: 60 },
    );
    assert.doesNotMatch(dashboard.stderr, /^\s+at /m, 'no stack trace in the log');
    assert.doesNotMatch(dashboard.stderr, /dashboard API failed/);
  });

  it('a query past --statement-timeout is cancelled by the server (503 warehouse_timeout) and its connection serves the next; past --max-waiting, 503 busy at once', { timeout: 120_000 }, async () => {
    const path = `/api/currency-mix?from=${FIRST_DAY}&to=${LAST_DAY}`;
    const database = new URL(pipeline.warehouseUrl).pathname.slice(1);
    const blocked = async (): Promise<number> =>
      Number((await queryRows<{ n: string }>(pipeline.warehouseUrl, "select count(*) as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and query like '%global_metrics%'", [database]))[0]!.n);
    const quick = new DashboardProcess(pipeline.env, ['--statement-timeout', '1']);
    const patient = new DashboardProcess(pipeline.env, ['--statement-timeout', '50', '--max-waiting', '0']);
    const locker = new pg.Client({ connectionString: pipeline.warehouseUrl });
    await locker.connect();
    try {
      const [quickBase, patientBase] = await Promise.all([quick.url, patient.url]);
      assert.equal((await getJson(quickBase, path)).status, 200);
      // a writer holds cdm.global_metrics: every read of it waits for the lock
      await locker.query('begin');
      await locker.query('lock table cdm.global_metrics in access exclusive mode');
      const timedOut = await getJson<{ error: { code: string; message: string } }>(quickBase, path);
      assert.equal(timedOut.status, 503);
      assert.equal(timedOut.body.error.code, 'warehouse_timeout');
      assert.match(timedOut.body.error.message, /statement timeout 1 s/);

      // the patient dashboard's 3 connections all wait for the lock: with --max-waiting 0 a fourth request is refused at once
      const holding = [1, 2, 3].map(() => getJson(patientBase, path));
      for (let waited = 0; (await blocked()) < 3; waited += 100) {
        assert.ok(waited < 30_000, 'three dashboard queries wait for the lock');
        await sleep(100);
      }
      const busy = await getJson<{ error: { code: string; message: string } }>(patientBase, path);
      assert.equal(busy.status, 503);
      assert.equal(busy.body.error.code, 'busy');
      assert.match(busy.body.error.message, /0 requests are already waiting for one of its 3 warehouse connections/);

      await locker.query('rollback');
      assert.deepEqual((await Promise.all(holding)).map((r) => r.status), [200, 200, 200], 'the held requests finish once the lock is gone');
      assert.equal((await getJson(quickBase, path)).status, 200, 'the cancelled statement left its connection usable');
      assert.doesNotMatch(quick.stderr + patient.stderr, /connection lost|dashboard API failed/);
    } finally {
      await locker.end();
      await Promise.all([quick.stop(), patient.stop()]);
    }
  });

  it('only reads: other methods are 405 and the marts are unchanged', { timeout: 60_000 }, async () => {
    const before = await martSnapshot(pipeline.warehouseUrl);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(new URL('/api/global-metrics', base), { method, body: method === 'DELETE' ? null : '{}' });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
    }
    assert.deepEqual(await martSnapshot(pipeline.warehouseUrl), before);
  });

  it('serves the page and ECharts from itself, with a strict content security policy; nothing else', { timeout: 60_000 }, async () => {
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    assert.match(await page.text(), /<script type="module" src="\/app\.js"><\/script>/);
    const echarts = await fetch(new URL('/vendor/echarts.esm.min.mjs', base));
    assert.equal(echarts.status, 200);
    assert.match(echarts.headers.get('content-type') ?? '', /javascript/);
    assert.equal(echarts.headers.get('content-encoding'), 'gzip', 'served compressed to a client that accepts it');
    assert.ok((await echarts.arrayBuffer()).byteLength > 500_000);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/src/dashboard/run.ts', '/node_modules/echarts/package.json', '/.env']) {
      const response = await fetch(new URL(path, base));
      await response.arrayBuffer();
      assert.equal(response.status, 404, path);
    }
    // a foreign Host header (DNS rebinding) is refused
    const url = new URL('/api/overview', base);
    const foreign = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) =>
        request({ host: url.hostname, port: url.port, path: url.pathname, headers: { Host: 'attacker.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject).end(),
      );
    });
    assert.equal(foreign, 421);
  });

  it('an empty warehouse: the overview says empty and the data endpoints answer empty sets; unmigrated: the overview says so, the rest is 503 not_migrated', { timeout: 120_000 }, async () => {
    const empty = await migratedDatabases(t, 'dash_api_empty');
    const onEmpty = new DashboardProcess({ TURNOVER_WAREHOUSE_URL: empty.warehouseUrl });
    const bare = await t.freshDatabases('dash_api_bare');
    const onBare = new DashboardProcess({ TURNOVER_WAREHOUSE_URL: bare.warehouseUrl });
    try {
      const emptyBase = await onEmpty.url;
      const overview = await getJson(emptyBase, '/api/overview');
      assert.equal(overview.status, 200);
      assert.equal(overview.body.status, 'empty');
      assert.equal(overview.body.defaultRange, null);
      const metrics = await getJson(emptyBase, '/api/global-metrics');
      assert.equal(metrics.status, 200);
      assert.deepEqual([metrics.body.rows, metrics.body.days], [[], []]);
      const freshness = await getJson(emptyBase, '/api/freshness');
      assert.equal(freshness.status, 200);
      assert.equal((freshness.body.landing as { status: string }).status, 'not_configured');
      assert.equal((freshness.body.kafka as { status: string }).status, 'not_configured');

      const bareBase = await onBare.url;
      const bareOverview = await getJson(bareBase, '/api/overview');
      assert.equal(bareOverview.status, 200);
      assert.equal(bareOverview.body.status, 'not_migrated');
      assert.match(String(bareOverview.body.reason), /turnover migrate/);
      for (const path of ['/api/health', '/api/global-metrics', '/api/drivers', '/api/freshness']) {
        const { status, body } = await getJson<{ error: { code: string; message: string } }>(bareBase, path);
        assert.equal(status, 503, path);
        assert.equal(body.error.code, 'not_migrated');
        assert.match(body.error.message, /turnover migrate/);
      }
    } finally {
      await Promise.all([onEmpty.stop(), onBare.stop()]);
    }
  });

  it('the warehouse unreachable: 503 with the reason, and answers again once it is back', { timeout: 120_000 }, async () => {
    const target = new URL(pipeline.warehouseUrl);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port));
    const viaProxy = new URL(pipeline.warehouseUrl);
    viaProxy.port = String(proxy.port);
    const flaky = new DashboardProcess({ TURNOVER_WAREHOUSE_URL: viaProxy.href });
    try {
      const flakyBase = await flaky.url;
      assert.equal((await getJson(flakyBase, '/api/overview')).status, 200);
      await proxy.cut();
      for (const path of ['/api/overview', '/api/global-metrics', '/api/freshness', '/api/health']) {
        const { status, body } = await getJson<{ error: { code: string; message: string } }>(flakyBase, path);
        assert.equal(status, 503, path);
        assert.equal(body.error.code, 'warehouse_unavailable');
        assert.match(body.error.message, /not reachable/);
      }
      await proxy.restore();
      const back = await getJson(flakyBase, '/api/global-metrics');
      assert.equal(back.status, 200, 'the next request reconnects');
      assert.ok((back.body.rows as unknown[]).length > 0);
    } finally {
      await flaky.stop();
      await proxy.cut();
    }
  });

  it('the read-only session refuses writes even if a statement tried', { timeout: 60_000 }, async () => {
    const { openWarehouse } = await import('../../src/warehouse/index.js');
    const { ReadOnlyWarehouse } = await import('../../src/dashboard/read-only-warehouse.js');
    const warehouse = await openWarehouse(pipeline.warehouseUrl, t.logger);
    // the real warehouse, with one statement name answering a write
    const tampered = Object.assign(Object.create(warehouse) as typeof warehouse, {
      sql: (name: string) => (name === 'evil' ? 'delete from cdm.global_metrics' : warehouse.sql(name)),
      connect: () => warehouse.connect(),
    });
    const readOnly = new ReadOnlyWarehouse(tampered, t.logger);
    try {
      await assert.rejects(readOnly.rows('evil'), (error: { code?: string }) => error.code === '25006');
      assert.equal((await readOnly.rows<{ day: string }>('dashboard_built_days', [FIRST_DAY, LAST_DAY])).length, 7);
    } finally {
      await readOnly.close();
      await warehouse.close();
    }
  });

  it('CLI errors are one line with an exit status', { timeout: 60_000 }, async () => {
    const badPort = await runCli(['dashboard', '--port', 'eighty'], { env: pipeline.env });
    assert.equal(badPort.code, 2);
    const noWarehouse = await runCli(['dashboard'], { env: { TURNOVER_WAREHOUSE_URL: '' } });
    assert.equal(noWarehouse.code, 3);
    assert.match(noWarehouse.stderr, /^turnover: TURNOVER_WAREHOUSE_URL is not set/m);
    const taken = new URL(base).port;
    const inUse = await runCli(['dashboard', '--port', taken], { env: pipeline.env });
    assert.equal(inUse.code, 3);
    assert.equal(inUse.stderr.trim().split('\n').filter((l) => l.startsWith('turnover:')).length, 1);
    assert.match(inUse.stderr, new RegExp(`turnover: port ${taken} on 127.0.0.1 is in use`));
  });
});

interface Waterfall {
  turnoverPrevUsd: number;
  turnoverUsd: number;
  changeUsd: number;
  effects: Record<string, number>;
}
