import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Page, Response } from 'playwright-core';
import { loadDefinition } from '../../src/bi/definition/definition.js';
import { SupersetClient } from '../../src/bi/superset/superset-client.js';
import { readAdmin } from '../../src/stack/superset/superset-secrets.js';
import { GUNICORN_LIMITS } from '../../src/stack/superset/superset-server.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { freePort } from '../../src/process/ports.js';
import { loadPipeline, type LoadedPipeline } from '../dashboard/dashboard-support.js';
import { launchBrowser } from '../support/browser.js';
import { runCli, type CliResult } from '../support/cli.js';
import { ARTIFACTS_DIR } from '../support/paths.js';
import { useStack, type TestStack } from '../support/stack.js';
import { copyDefinition } from './bi-support.js';
import { canonical, expectedChartRows, referenceDatasets, sortRows } from './marts-reference.js';

/**
 * A real Apache Superset (the pinned venv) started by `turnover bi superset
 * up` once for this file, provisioned by the CLI over a warehouse whose marts
 * were built from the live-feed fixtures by the real stages (ingest,
 * load-stg, build-marts), checked through its REST API and in a real
 * headless Chromium that may reach nothing but 127.0.0.1.
 */

/** The slice of the page's DOM the checks below read (the project compiles without the DOM library). */
interface Node {
  readonly innerText: string;
  querySelector(selector: string): Node | null;
  querySelectorAll(selector: string): { readonly length: number };
}
declare const document: Node;

const definition = loadDefinition();
const SLOW = { timeout: 900_000 };

/** The CLI with no Superset credentials of the caller's own: each call says what it passes. */
function cli(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 900_000): Promise<CliResult> {
  return runCli(args, { env: { TURNOVER_SUPERSET_ADMIN_USER: '', TURNOVER_SUPERSET_ADMIN_PASSWORD: '', TURNOVER_SUPERSET_URL: '', ...env }, timeoutMs });
}

type Listed = { result: { id: number; uuid: string; changed_on_utc?: string }[]; count: number };

describe('turnover bi superset: a real Superset over marts built from the live feed', () => {
  let t: TestStack;
  let loaded: LoadedPipeline;
  let stateDir: string;
  let biUrl = '';
  let url = '';
  let password = '';

  // Superset gets the stack's read-only BI login, as `turnover up --with-superset` gives it
  const provision = (extra: string[] = [], env: Record<string, string> = {}) =>
    cli(['bi', 'superset', 'provision', '--state-dir', stateDir, ...extra], { TURNOVER_BI_WAREHOUSE_URL: biUrl, TURNOVER_WAREHOUSE_URL: '', ...env });
  const client = () => SupersetClient.login(url, 'admin', password);

  before(async () => {
    t = await useStack();
    loaded = await loadPipeline(t, 'bi_superset');
    biUrl = await t.stack.grantMartsToBi(new URL(loaded.warehouseUrl).pathname.slice(1));
    stateDir = mkdtempSync(join(tmpdir(), 'turnover-bi-state-'));
  }, SLOW);

  after(async () => {
    if (stateDir) {
      await cli(['bi', 'superset', 'down', '--state-dir', stateDir]);
      rmSync(stateDir, { recursive: true, force: true });
    }
    await t?.release();
  }, SLOW);

  it('up installs, initialises and starts Superset on 127.0.0.1, prints the generated admin password once; a second up is a no-op', SLOW, async () => {
    const up = await cli(['bi', 'superset', 'up', '--state-dir', stateDir, '--port', '0']);
    assert.equal(up.code, 0, up.stderr);
    url = /^Superset: (http:\/\/127\.0\.0\.1:\d+)/m.exec(up.stdout)?.[1] ?? '';
    password = /^admin user "admin", password (\S+)$/m.exec(up.stdout)?.[1] ?? '';
    assert.ok(url && password, up.stdout);

    const dir = join(stateDir, 'superset');
    assert.ok(!dir.startsWith(PACKAGE_ROOT));
    for (const file of ['secret_key', 'admin.json']) assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600, `${file} must be 0600`);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(readAdmin(dir), { user: 'admin', password });
    assert.equal(await (await fetch(`${url}/health`)).text(), 'OK');
    // the page may load nothing from other hosts (Superset's default policy allows a telemetry pixel)
    const policy = (await fetch(`${url}/login/`)).headers.get('content-security-policy') ?? '';
    assert.match(policy, /img-src 'self' blob: data:;/);
    assert.doesNotMatch(policy, /https?:/);

    // request lines and header fields are bounded (gunicorn answers 414 and 431 beyond them), not unlimited
    const pad = (n: number): string => 'x'.repeat(n);
    assert.equal((await fetch(`${url}/health?${pad(7_000)}`)).status, 200, 'a long but allowed request line');
    assert.equal((await fetch(`${url}/health?${pad(GUNICORN_LIMITS.requestLine + 10)}`)).status, 414, 'a request line past the limit');
    assert.equal((await fetch(`${url}/health`, { headers: { 'x-padding': pad(GUNICORN_LIMITS.headerField + 10) } })).status, 431, 'a header field past the limit');

    // bound to loopback only: this machine's other addresses refuse the connection
    const port = new URL(url).port;
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
    for (const address of others) {
      await assert.rejects(fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(5_000) }), `Superset answers on ${address}`);
    }

    const again = await cli(['bi', 'superset', 'up', '--state-dir', stateDir]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `Superset already running: ${url}\n`);
    assert.doesNotMatch(again.stdout, new RegExp(password));
    const status = await cli(['bi', 'superset', 'status', '--state-dir', stateDir]);
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /^superset {2}healthy/);
  });

  it('the BI login reads the marts and nothing else, and cannot write them', async () => {
    const bi = new pg.Client({ connectionString: biUrl });
    await bi.connect();
    try {
      const marts = await bi.query('select count(*)::int as n from cdm.global_metrics');
      assert.ok(marts.rows[0].n > 0, 'the BI login sees no global_metrics rows');
      await assert.rejects(bi.query('select count(*) from stg.transactions'), /permission denied for schema stg/);
      await assert.rejects(bi.query('delete from cdm.global_metrics'), /permission denied for table global_metrics/);
      await assert.rejects(bi.query('create table cdm.scratch (x int)'), /permission denied for schema cdm/);
    } finally {
      await bi.end();
    }
    // the stack's own landing database (the pipeline's raw records): closed to everyone but its owner
    const landing = new URL(t.env.TURNOVER_LANDING_URL!);
    const intoLanding = new pg.Client({ connectionString: biUrl.replace(/\/[^/]+$/, landing.pathname) });
    await assert.rejects(intoLanding.connect(), /permission denied for database/);
    await intoLanding.end().catch(() => undefined);
  });

  it('provisioning twice leaves exactly one of each object, and the second run changes nothing', SLOW, async () => {
    const first = await provision();
    assert.equal(first.code, 0, first.stderr);
    assert.doesNotMatch(first.stderr, /pipeline's own warehouse login/, 'the read-only login was not used');
    assert.match(first.stdout, new RegExp(`${1 + definition.datasets.size + definition.charts.length + 1} of ${1 + definition.datasets.size + definition.charts.length + 1} objects created or updated`));

    const api = await client();
    const snapshot = async () => ({
      databases: await api.get<Listed>('/api/v1/database/', { columns: ['id', 'uuid'], page_size: 100 }),
      datasets: await api.get<Listed>('/api/v1/dataset/', { columns: ['id', 'uuid', 'changed_on_utc'], page_size: 100 }),
      charts: await api.get<Listed>('/api/v1/chart/', { columns: ['id', 'uuid', 'changed_on_utc'], page_size: 100 }),
      dashboards: await api.get<Listed>('/api/v1/dashboard/', { columns: ['id', 'uuid', 'changed_on_utc'], page_size: 100 }),
    });
    const before = await snapshot();
    const second = await provision();
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /nothing to change: everything matches the definition/);
    const after = await snapshot();
    assert.deepEqual(after, before, 'the second run changed something');

    assert.deepEqual(after.databases.result.map((d) => d.uuid), [definition.database.uuid]);
    const connection = await api.get<{ result: { sqlalchemy_uri: string; expose_in_sqllab: boolean } }>(`/api/v1/database/${after.databases.result[0]!.id}/connection`);
    assert.equal(connection.result.expose_in_sqllab, false, 'SQL Lab is open on the warehouse connection');
    assert.match(connection.result.sqlalchemy_uri, /^postgresql\+psycopg2:\/\/turnover_bi:/);
    assert.deepEqual(after.datasets.result.map((d) => d.uuid).sort(), [...definition.datasets.values()].map((d) => d.uuid).sort());
    assert.deepEqual(after.charts.result.map((c) => c.uuid).sort(), definition.charts.map((c) => c.uuid).sort());
    assert.deepEqual(after.dashboards.result.map((d) => d.uuid), [definition.dashboard.uuid]);
    const onDashboard = await api.get<{ result: { id: number }[] }>(`/api/v1/dashboard/${after.dashboards.result[0]!.id}/charts`);
    assert.deepEqual(onDashboard.result.map((c) => c.id).sort((a, b) => a - b), after.charts.result.map((c) => c.id).sort((a, b) => a - b));
  });

  it('the chart-data API of every chart returns the numbers of the marts', SLOW, async () => {
    const api = await client();
    const reference = await referenceDatasets(loaded.warehouseUrl);
    const charts = await api.get<{ result: { id: number; uuid: string }[] }>('/api/v1/chart/', { columns: ['id', 'uuid'], page_size: 100 });
    for (const chart of definition.charts) {
      const id = charts.result.find((c) => c.uuid === chart.uuid)!.id;
      const answer = await api.get<{ result: { data: Record<string, unknown>[]; error?: string | null }[] }>(`/api/v1/chart/${id}/data/`);
      const result = answer.result[0]!;
      assert.ok(!result.error, `${chart.key}: ${result.error}`);
      const dates = ['date_update', 'first_day', 'last_day'];
      const actual = sortRows(result.data.map((row) => canonical(row, dates)));
      const expected = sortRows(expectedChartRows(chart, reference.get(chart.dataset)!));
      assert.ok(expected.length > 0, `${chart.key}: the marts are empty`);
      assert.deepEqual(actual, expected, `${chart.key} differs from the marts`);
    }
  });

  it('a changed definition updates the same objects in place, and the original puts them back', SLOW, async () => {
    const copy = copyDefinition((yaml) => yaml.replace('title: What drove the change, per day', 'title: Drivers of the daily change'), {
      'sql/drivers_daily.sql': (sql) => sql.replace("where turnover_drivers.kind = 'total'", "where turnover_drivers.kind = 'total'\n      and turnover_drivers.date_update > date '2022-10-01'"),
    });
    try {
      const api = await client();
      const ids = async () => (await api.get<Listed>('/api/v1/chart/', { columns: ['id', 'uuid'], page_size: 100 })).result.map((c) => `${c.uuid}=${c.id}`).sort();
      const before = await ids();
      const changed = await provision(['--definition', copy.file]);
      assert.equal(changed.code, 0, changed.stderr);
      assert.match(changed.stdout, /^dataset {4}updated .* turnover_drivers_daily$/m);
      assert.match(changed.stdout, /^chart {6}updated .* Drivers of the daily change$/m);
      assert.deepEqual(await ids(), before, 'charts were created or lost');
      const drivers = definition.charts.find((c) => c.key === 'drivers_per_day')!;
      const id = Number(before.find((e) => e.startsWith(drivers.uuid))!.split('=')[1]);
      const data = await api.get<{ result: { data: { date_update: number }[] }[] }>(`/api/v1/chart/${id}/data/`);
      assert.ok(data.result[0]!.data.length > 0 && data.result[0]!.data.every((r) => r.date_update > Date.parse('2022-10-01')), 'the new SQL is not used');
      assert.equal((await api.get<{ result: { slice_name: string } }>(`/api/v1/chart/${id}`)).result.slice_name, 'Drivers of the daily change');

      const back = await provision();
      assert.equal(back.code, 0, back.stderr);
      assert.match(back.stdout, /^chart {6}updated .* What drove the change, per day$/m);
      assert.deepEqual(await ids(), before);
    } finally {
      copy.remove();
    }
  });

  it('a headless Chromium logs in and sees every chart drawn with data and no error panel; nothing is fetched beyond 127.0.0.1', SLOW, async () => {
    const browser = await launchBrowser({ width: 1600, height: 2200 });
    try {
      const page = await browser.context.newPage();
      // what went to other hosts, and how it ended: aborted by the test's route or refused by Superset's CSP
      const outside = (u: string) => /^(https?|wss?):/.test(u) && new URL(u).hostname !== '127.0.0.1';
      const stopped: string[] = [];
      const answered: string[] = [];
      page.on('requestfailed', (r) => outside(r.url()) && stopped.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
      page.on('response', (r) => outside(r.url()) && answered.push(r.url()));
      await logIn(page, url, 'admin', password);

      const answers: { slice: number; status: number; body: Promise<unknown> }[] = [];
      const collect = (response: Response) => {
        const requested = new URL(response.url());
        if (!requested.pathname.startsWith('/api/v1/chart/data')) return;
        const slice = Number((JSON.parse(requested.searchParams.get('form_data') ?? '{}') as { slice_id?: number }).slice_id);
        answers.push({ slice, status: response.status(), body: response.json().catch(() => null) });
      };
      page.on('response', collect);
      await page.goto(`${url}/superset/dashboard/${definition.dashboard.slug}/`);
      const holders = page.locator('[data-test="dashboard-component-chart-holder"]');
      await holders.first().waitFor({ timeout: 120_000 });
      await page.waitForFunction((n) => document.querySelectorAll('[data-test="dashboard-component-chart-holder"] canvas, [data-test="dashboard-component-chart-holder"] tbody tr').length >= n, definition.charts.length, { timeout: 180_000 });
      await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => undefined);
      await page.waitForTimeout(1_500); // ECharts' entry animation
      mkdirSync(join(ARTIFACTS_DIR, 'bi'), { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'bi', 'superset-dashboard.png'), fullPage: true });

      // every chart asked for its data and got rows
      const api = await client();
      const ids = (await api.get<Listed>('/api/v1/chart/', { columns: ['id', 'uuid'], page_size: 100 })).result.map((c) => c.id);
      assert.deepEqual([...new Set(answers.map((a) => a.slice))].sort((a, b) => a - b), ids.sort((a, b) => a - b));
      for (const answer of answers) {
        assert.equal(answer.status, 200);
        const body = (await answer.body) as { result: { rowcount: number; error?: string | null }[] };
        assert.ok(body.result.every((r) => !r.error && r.rowcount > 0), JSON.stringify(body).slice(0, 300));
      }
      // and every chart holder shows a drawing or table rows, never an error or "No results"
      const drawn = await holders.evaluateAll((nodes) =>
        (nodes as unknown as Node[]).map((n) => ({
          title: n.querySelector('[data-test="editable-title"]')?.innerText ?? '?',
          drawn: n.querySelectorAll('canvas').length + n.querySelectorAll('tbody tr').length,
          errors: n.querySelectorAll('.ant-alert-error, [data-test="error-alert"], [role="alert"]').length,
          text: n.innerText,
        })),
      );
      assert.deepEqual(drawn.map((d) => d.title).sort(), definition.charts.map((c) => c.title).sort());
      for (const chart of drawn) {
        assert.ok(chart.drawn > 0, `${chart.title} drew nothing`);
        assert.equal(chart.errors, 0, `${chart.title} shows an error panel: ${chart.text.slice(0, 200)}`);
        assert.doesNotMatch(chart.text, /No results|Unexpected error|Error:/, chart.title);
      }
      assert.equal(await page.locator('.ant-alert-error, [data-test="error-alert"]').count(), 0);

      // the last-day figures are the marts' (the big number's text as Superset formats it)
      const [last] = (await referenceDatasets(loaded.warehouseUrl)).get('daily_totals')!.sort((a, b) => String(b.date_update).localeCompare(String(a.date_update)));
      const turnoverText = drawn.find((d) => d.title === 'USD turnover, last day')!.text;
      assert.match(turnoverText, new RegExp(`\\$${(last!.turnover_usd as number).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).replace(/[.$]/g, '\\$&')}`));

      assert.deepEqual(answered, [], 'a request to another host was answered');
      for (const failure of stopped) assert.match(failure, / (csp|net::ERR_BLOCKED_BY_\w+)/);
    } finally {
      await browser.close();
    }
  });

  it('provisioning failures are one line: a wrong password, no Superset, a warehouse Superset cannot reach', SLOW, async () => {
    const wrong = await provision([], { TURNOVER_SUPERSET_ADMIN_USER: 'admin', TURNOVER_SUPERSET_ADMIN_PASSWORD: 'not-the-password' });
    assert.equal(wrong.code, 3);
    assert.match(wrong.stderr, /^turnover: Superset at http:\/\/127\.0\.0\.1:\d+ rejected the login of "admin": wrong user or password\n$/);

    const closedPort = await freePort();
    const nowhere = await provision(['--superset-url', `http://127.0.0.1:${closedPort}`, '--retry-for', '2'], { TURNOVER_SUPERSET_ADMIN_USER: 'admin', TURNOVER_SUPERSET_ADMIN_PASSWORD: password });
    assert.equal(nowhere.code, 5);
    assert.match(nowhere.stderr, new RegExp(`^turnover: Superset at http://127\\.0\\.0\\.1:${closedPort} is not reachable \\(POST /api/v1/security/login: connect ECONNREFUSED [^)]*\\) \\(gave up after \\d+ tries in \\d+ s\\)\n$`));

    // another definition (its own connection) pointed at a closed port: Superset tests the connection and refuses it
    const copy = copyDefinition((yaml) => yaml.replace('uuid: 86b17998-5eb7-4a62-ba74-6f485addeaa6\n  name: turnover warehouse', 'uuid: 3f1d5a53-7f43-4c1e-9a55-5a0d3b0c9e21\n  name: turnover unreachable'));
    try {
      const closed = await provision(['--definition', copy.file], { TURNOVER_BI_WAREHOUSE_URL: `postgres://postgres@127.0.0.1:${closedPort}/nowhere` });
      assert.notEqual(closed.code, 0);
      assert.equal(closed.stderr.trim().split('\n').length, 1, closed.stderr);
      assert.match(closed.stderr, new RegExp(`^turnover: Superset cannot use the warehouse postgres://postgres@127\\.0\\.0\\.1:${closedPort}/nowhere: .*Connection refused`));
    } finally {
      copy.remove();
    }
    const api = await client();
    const databases = await api.get<Listed>('/api/v1/database/', { columns: ['id', 'uuid'], page_size: 100 });
    assert.deepEqual(databases.result.map((d) => d.uuid), [definition.database.uuid], 'a failed provisioning left a connection behind');
  });

  it('down stops it cleanly; status then exits 6 (not running)', SLOW, async () => {
    const down = await cli(['bi', 'superset', 'down', '--state-dir', stateDir]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, 'Superset stopped\n');
    const status = await cli(['bi', 'superset', 'status', '--state-dir', stateDir]);
    assert.equal(status.code, 6);
    assert.match(status.stdout, /stopped/);
    await assert.rejects(fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) }));
    const again = await cli(['bi', 'superset', 'down', '--state-dir', stateDir]);
    assert.equal(again.stdout, 'Superset is not running\n');
  });
});

/**
 * Superset's login page fires a request of its own that can replace the
 * fresh session cookie: submit once the page is quiet, and retry once.
 */
async function logIn(page: Page, url: string, user: string, password: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await page.goto(`${url}/login/`);
    await page.locator('[data-test="username-input"]').waitFor({ timeout: 120_000 });
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
    await page.fill('[data-test="username-input"]', user);
    await page.fill('[data-test="password-input"]', password);
    await page.click('[data-test="login-button"]');
    try {
      await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 });
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}
