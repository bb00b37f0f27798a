import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_DEFAULTS, startDashboard } from '../../src/dashboard/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { migratedDatabases, queryRows } from '../../test/staging/landing-support.js';
import { useStack } from '../../test/support/stack.js';
import { machineLine } from '../harness/machine.js';

/**
 * Response times of the dashboard's API, in process, over a year of synthetic
 * marts (366 days × 7 currencies) and a landing zone of LANDED records: each
 * endpoint asked for the whole year SEQUENTIAL times in a row (p50/p95), then
 * CLIENTS clients at once on the page's full set of requests for DURATION_S.
 * The marts are small by nature (a row per day and currency), so this is about
 * the server's overhead and the freshness probes staying index-only.
 */

const DAYS = 366;
const LANDED = Number(process.env.BENCH_LANDED ?? 1_000_000);
const SEQUENTIAL = 50;
const CLIENTS = 8;
const DURATION_S = 10;
/** The page's requests for a range: what one load or refresh asks. */
const pageRequests = (range: string): string[] => [
  '/api/overview',
  `/api/global-metrics?${range}`,
  `/api/drivers?${range}`,
  `/api/currency-mix?${range}`,
  `/api/rates?${range}`,
  `/api/data-quality?${range}`,
  '/api/freshness',
];
const RANGES: readonly [string, string][] = [
  ['30 days (the default)', 'from=2023-12-02&to=2023-12-31'],
  ['365 days', 'from=2023-01-01&to=2023-12-31'],
];

const sql = (name: string): string => readFileSync(join(PACKAGE_ROOT, 'bench', 'dashboard', name), 'utf8');

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${Buffer.from(body).toString()}`);
  return { ms: performance.now() - started, bytes: body.byteLength };
}

const t = await useStack();
try {
  console.log(machineLine());
  const db = await migratedDatabases(t, 'bench_dashboard');
  const topic = await t.freshTopic('bench_dashboard', 3);
  let started = performance.now();
  await queryRows(db.warehouseUrl, sql('fill-marts.sql'), [DAYS]);
  await queryRows(db.stagingUrl, sql('fill-landing.sql'), [LANDED, topic]);
  await queryRows(db.stagingUrl, 'analyze raw.kafka_messages', []);
  console.log(`filled ${DAYS} days of marts and ${LANDED.toLocaleString('en-US')} landed records in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const dashboard = await startDashboard(
    Object.freeze({ host: '127.0.0.1', port: 0, refreshSeconds: 0, warehouseUrl: db.warehouseUrl, stagingUrl: db.stagingUrl, kafka: t.kafka, topic, group: 'turnover-ingest', statementTimeoutSeconds: DASHBOARD_DEFAULTS.statementTimeoutSeconds, maxWaiting: DASHBOARD_DEFAULTS.maxWaiting, now: () => new Date() }),
    silentLogger(),
  );
  try {
    for (const [label, range] of RANGES) {
      const endpoints = pageRequests(range);
      for (const path of endpoints) await timed(new URL(path, dashboard.url).href); // warm-up: connections, plans
      console.log(`\nsequential, ${SEQUENTIAL} requests each, range of ${label}:`);
      console.log('| endpoint | p50 ms | p95 ms | JSON bytes |\n|---|---|---|---|');
      for (const path of endpoints) {
        const runs: { ms: number; bytes: number }[] = [];
        for (let i = 0; i < SEQUENTIAL; i++) runs.push(await timed(new URL(path, dashboard.url).href));
        const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
        console.log(`| \`${path.split('?')[0]}\` | ${percentile(ms, 0.5).toFixed(1)} | ${percentile(ms, 0.95).toFixed(1)} | ${runs[0]!.bytes.toLocaleString('en-US')} |`);
      }
    }
    const ENDPOINTS = pageRequests(RANGES[0]![1]);
    let pages = 0;
    const pageTimes: number[] = [];
    started = performance.now();
    const deadline = started + DURATION_S * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < deadline) {
          const pageStarted = performance.now();
          await Promise.all(ENDPOINTS.map((path) => timed(new URL(path, dashboard.url).href)));
          pageTimes.push(performance.now() - pageStarted);
          pages += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    pageTimes.sort((a, b) => a - b);
    console.log(`\n${CLIENTS} clients loading the page's ${ENDPOINTS.length} requests (default range) at once for ${DURATION_S} s: ${(pages / seconds).toFixed(1)} page loads/s (${((pages * ENDPOINTS.length) / seconds).toFixed(0)} requests/s), page p50 ${percentile(pageTimes, 0.5).toFixed(0)} ms, p95 ${percentile(pageTimes, 0.95).toFixed(0)} ms`);
    console.log(`rss of this process (dashboard + load generator): ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
    console.log(machineLine());
  } finally {
    await dashboard.close();
  }
} finally {
  await t.release();
}
