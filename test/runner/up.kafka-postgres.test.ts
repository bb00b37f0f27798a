import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { queryRows } from '../staging/landing-support.js';
import { runCli } from '../support/cli.js';
import {
  backfillDaysDone,
  backfillDone,
  caughtUp,
  countedTransactions,
  freshStateDir,
  readTopic,
  stackUrls,
  UpProcess,
  waitFor,
  type StackUrls,
} from './up-harness.js';

/**
 * `turnover up`, the main job, as a user runs it: its own stack in a fresh
 * state dir (free ports), the generator, every stage as a child process.
 */
const TOPIC = 'transaction-service-input';
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) {
    await runCli(['stack', 'down', '--state-dir', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

function upArgs(stateDir: string, extra: string[]): string[] {
  return ['--state-dir', stateDir, '--kafka-port', '0', '--postgres-port', '0', '--port', '0', '--mart-interval', '1', ...extra];
}

describe('turnover up (real Kafka + PostgreSQL, every stage as a child process)', () => {
  it('backfills, tails live, and its marts and dashboard API match an independent count of the produced feed', async () => {
    const stateDir = freshStateDir();
    dirs.push(stateDir);
    const args = upArgs(stateDir, [
      '--backfill-days', '2', '--transactions-per-day', '400', '--rate', '20',
      '--scenario', `fx-shock:440:+10%@${day(-1)}`, '--scenario', `redeliveries:3%@${day(-2)}`, '--scenario', `corrections:2%@${day(-1)}`,
    ]);
    const up = new UpProcess(args);
    await waitFor('the backfill', async () => backfillDone(stateDir), up, 240_000);
    const urls = await stackUrls(stateDir);

    const backfilled = [day(-2), day(-1)];
    let expected = new Map<string, number>();
    await waitFor('the backfilled days in cdm.global_metrics to equal an independent count of the topic', async () => {
      const counts = countedTransactions(await readTopic(urls.brokers, TOPIC));
      expected = new Map([...counts].filter(([key]) => backfilled.includes(key.split('|')[0]!)));
      const rows = await queryRows<{ d: string; c: number; n: string }>(
        urls.warehouseUrl,
        'select date_update::text as d, currency_from as c, cnt_transactions::text as n from cdm.global_metrics where date_update between $1 and $2',
        [backfilled[0], backfilled[1]],
      );
      const actual = new Map(rows.map((r) => [`${r.d}|${r.c}`, Number(r.n)]));
      return expected.size > 0 && JSON.stringify([...actual].sort()) === JSON.stringify([...expected].sort());
    }, up, 240_000);
    assert.ok([...expected.values()].reduce((a, b) => a + b, 0) > 500, 'the backfill produced counted transactions');

    await waitFor('the live tail to reach today\'s marts', async () => {
      const [row] = await queryRows<{ n: string | null }>(urls.warehouseUrl, 'select sum(cnt_transactions)::text as n from cdm.global_metrics where date_update = $1', [day(0)]);
      return Number(row?.n ?? 0) > 0;
    }, up, 180_000);

    const dashboard = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(up.text())?.[1];
    assert.ok(dashboard, 'up prints the dashboard URL');
    const api = (await (await fetch(`${dashboard}api/global-metrics?from=${backfilled[0]}&to=${backfilled[1]}`)).json()) as {
      rows: { day: string; currency: number; transactions: number; amountUsd: number | null }[];
    };
    const marts = await queryRows<{ d: string; c: number; n: string; usd: string | null }>(
      urls.warehouseUrl,
      'select date_update::text as d, currency_from as c, cnt_transactions::text as n, amount_total::text as usd from cdm.global_metrics where date_update between $1 and $2',
      [backfilled[0], backfilled[1]],
    );
    const fromApi = api.rows.map((r) => `${r.day}|${r.currency}|${r.transactions}|${r.amountUsd === null ? 'null' : r.amountUsd.toFixed(2)}`).sort();
    const fromMarts = marts.map((r) => `${r.d}|${r.c}|${r.n}|${r.usd ?? 'null'}`).sort();
    assert.deepEqual(fromApi, fromMarts);

    // a second up on the same state dir, even on the port the first one's dashboard holds, says first that one is running
    const port = new URL(dashboard).port;
    const second = await runCli(['up', '--state-dir', stateDir, '--port', port], { timeoutMs: 60_000 });
    assert.equal(second.code, 3, second.stderr);
    assert.match(second.stderr, /^turnover: turnover up is already running on this state dir \(pid \d+\)$/m);

    const code = await up.interrupt();
    assert.equal(code, 0, up.text());
    assert.match(up.text(), /stopped cleanly/);
    const status = await runCli(['stack', 'status', '--state-dir', stateDir]);
    assert.equal(status.code, 6, 'up stops the stack it started');
  });

  it('stopped and started twice, and resuming a half-sent backfill day, it loses and doubles nothing: STG and marts equal a clean run', async () => {
    const scenarios = [`corrections:2%@${day(-2)}`, `redeliveries:2%@${day(-3)}`];
    const feed = ['--backfill-days', '3', '--transactions-per-day', '300', '--rate', '0', '--seed', '7', ...scenarios.flatMap((s) => ['--scenario', s])];

    const cleanDir = freshStateDir();
    dirs.push(cleanDir);
    const clean = new UpProcess(upArgs(cleanDir, feed));
    await waitFor('the clean run to finish its backfill', async () => backfillDone(cleanDir), clean, 240_000);
    const cleanUrls = await stackUrls(cleanDir);
    await waitFor('the clean run to catch up', () => caughtUp(cleanUrls, TOPIC), clean, 240_000);
    const expected = await snapshot(cleanUrls);
    const cleanTopic = await readTopic(cleanUrls.brokers, TOPIC);
    assert.equal(await clean.interrupt(), 0, clean.text());

    // A run that was stopped half-way through its first backfill day: the day's first 400
    // messages are in the topic (exactly what `generate` had sent and flushed when stopped),
    // and the runner's state says the backfill has begun and no day is done.
    const dir = freshStateDir();
    dirs.push(dir);
    const stack = await runCli(['stack', 'up', '--state-dir', dir, '--kafka-port', '0', '--postgres-port', '0'], { timeoutMs: 300_000 });
    assert.equal(stack.code, 0, stack.stderr);
    const urls = await stackUrls(dir);
    const partial = await runCli(
      ['generate', '--from', day(-3), '--to', day(-3), '--seed', '7', '--transactions-per-day', '300', '--partitions', '3', '--max-messages', '400', ...scenarios.flatMap((s) => ['--scenario', s])],
      { env: { TURNOVER_KAFKA_BROKERS: urls.brokers, TURNOVER_KAFKA_TOPIC: TOPIC } },
    );
    assert.equal(partial.code, 0, partial.stderr);
    mkdirSync(join(dir, 'up'), { recursive: true });
    writeFileSync(
      join(dir, 'up', 'backfill.json'),
      JSON.stringify({ from: day(-3), to: day(-1), seed: 7, transactionsPerDay: 300, scenarios, doneDays: [], dayMessages: {}, baseMessages: 0 }),
    );

    const first = new UpProcess(['--state-dir', dir, '--port', '0', '--mart-interval', '1', ...feed]);
    await waitFor('the first run to start landing', async () => {
      const [row] = await queryRows<{ n: string }>(urls.stagingUrl, 'select count(*)::text as n from raw.kafka_messages');
      return Number(row!.n) > 0;
    }, first, 240_000);
    assert.equal(await first.interrupt(), 0, first.text());
    // the stack and the topic were there: said so, and no warning about a topic that exists
    assert.match(first.text(), /using the running local stack/);
    assert.doesNotMatch(first.text(), /starting the local stack|Topic creation errors/);
    assert.match(first.text(), /resuming the interrupted backfill day after the messages it already sent \{"day":"[\d-]+","skip":400\}/);

    const second = new UpProcess(['--state-dir', dir, '--port', '0', '--mart-interval', '1', ...feed]);
    // stopped once it finished the resumed day (not merely once STG has rows: a fast ingester gets there first),
    // so that the third run has strictly fewer days to backfill
    await waitFor('the second run to finish the resumed day and load STG', async () => {
      const [row] = await queryRows<{ n: string }>(urls.warehouseUrl, 'select count(*)::text as n from stg.transactions');
      return second.text().includes('turnover is running') && Number(row!.n) > 0 && backfillDaysDone(dir) >= 1;
    }, second, 240_000);
    assert.equal(await second.interrupt(), 0, second.text());

    const third = new UpProcess(['--state-dir', dir, '--port', '0', '--mart-interval', '1', ...feed]);
    await waitFor('the third run to finish the backfill', async () => backfillDone(dir), third, 240_000);
    await waitFor('the third run to catch up', () => caughtUp(urls, TOPIC), third, 240_000);
    const actual = await snapshot(urls);
    assert.equal(await third.interrupt(), 0, third.text());
    assert.doesNotMatch(third.text(), /backfilling generated history \{"days":3/, 'a restart does not backfill again');

    // the topic holds each generated message once: as many as in the clean run
    const resumedTopic = await readTopic(urls.brokers, TOPIC);
    assert.equal(resumedTopic.length, cleanTopic.length);
    assert.ok(expected.stgTransactions.length > 1000);
    assert.deepEqual(actual.stgTransactions, expected.stgTransactions);
    assert.deepEqual(actual.stgCurrencies, expected.stgCurrencies);
    assert.deepEqual(actual.globalMetrics, expected.globalMetrics);
    assert.deepEqual(actual.drivers, expected.drivers);
    assert.deepEqual(actual.dataQuality, expected.dataQuality);
  });
});

/** Business content of STG and the marts; load times, Kafka offsets and late-arrival timing left out. */
async function snapshot(urls: StackUrls) {
  const rows = async (sql: string) => (await queryRows<Record<string, unknown>>(urls.warehouseUrl, sql)).map((r) => JSON.stringify(r));
  return {
    stgTransactions: await rows(
      'select operation_id, status, account_number_from, account_number_to, currency_code, transaction_type, amount, transaction_dt::text, sent_dttm::text from stg.transactions order by operation_id, status',
    ),
    stgCurrencies: await rows('select date_update::text, currency_code, currency_code_with, currency_with_div::text from stg.currencies order by 1, 2, 3'),
    globalMetrics: await rows('select * from cdm.global_metrics order by date_update, currency_from'),
    drivers: await rows('select * from cdm.turnover_drivers order by date_update, currency_from nulls first'),
    dataQuality: await rows("select * from cdm.data_quality_daily where metric <> 'late_arrivals' order by date_update, metric, dimension"),
  };
}
