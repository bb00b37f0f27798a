import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runCli, type CliResult } from '../support/cli.js';
import { LIVE_FEED } from '../support/paths.js';
import type { TestStack } from '../support/stack.js';
import { fixtureValues, land, loadStg, migratedDatabases, queryRows, spread } from '../staging/landing-support.js';

export const TOPIC = 'transaction-service-input';

/** A deterministic UUID for a message built from a CSV row. */
function uuidOf(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface RateRow {
  readonly currencyCode: number;
  readonly currencyCodeWith: number;
  readonly dateUpdate: string;
  readonly rate: number;
}

/** The live feed's full rate history (course-currencies-history.csv). */
export function fixtureRates(): RateRow[] {
  const [header, ...lines] = readFileSync(LIVE_FEED.currenciesHistory, 'utf8').trim().split('\n');
  assert.equal(header, 'currency_code,currency_code_with,date_update,currency_with_div');
  return lines.map((line) => {
    const [from, to, date, rate] = line.split(',');
    return { currencyCode: Number(from), currencyCodeWith: Number(to), dateUpdate: date!, rate: Number(rate) };
  });
}

/** A CSV rate row as the feed sends it: a CURRENCY message sent at the start of its day. */
export function rateMessage(row: RateRow): Buffer {
  return Buffer.from(
    JSON.stringify({
      object_id: uuidOf(`${row.dateUpdate}:${row.currencyCode}:${row.currencyCodeWith}`),
      object_type: 'CURRENCY',
      sent_dttm: `${row.dateUpdate}T00:00:00`,
      payload: { date_update: `${row.dateUpdate} 00:00:00`, currency_code: row.currencyCode, currency_code_with: row.currencyCodeWith, currency_with_div: row.rate },
    }),
  );
}

/** The real feed: every rate of the history, then every message of the .jsonl fixtures. */
export function fixtureFeed(keepRate: (row: RateRow) => boolean = () => true): Buffer[] {
  return [...fixtureRates().filter(keepRate).map(rateMessage), ...fixtureValues()];
}

export interface MartDatabases {
  readonly stagingUrl: string;
  readonly warehouseUrl: string;
  readonly env: NodeJS.ProcessEnv;
  /** Next Kafka offset of the one partition values are landed on. */
  nextOffset: number;
}

export async function freshPipeline(t: TestStack, label: string): Promise<MartDatabases> {
  return { ...(await migratedDatabases(t, label)), nextOffset: 0 };
}

/**
 * Lands values on one partition (so landing order is offset order, as the
 * reference assumes) and loads them into STG with the real `load-stg`.
 */
export async function landAndLoad(db: MartDatabases, values: readonly Buffer[]): Promise<void> {
  await land(db.stagingUrl, spread(TOPIC, values, 1, db.nextOffset));
  db.nextOffset += values.length;
  const loaded = await loadStg(db.env);
  assert.equal(loaded.code, 0, loaded.stderr);
}

export async function buildMarts(db: MartDatabases, args: readonly string[] = []): Promise<CliResult> {
  const result = await runCli(['build-marts', ...args], { env: db.env, timeoutMs: 600_000 });
  assert.equal(result.code, 0, `build-marts ${args.join(' ')} failed: ${result.stderr}`);
  return result;
}

/** cdm.global_metrics as text, in the shape of the reference's `GlobalMetricsText` (reference.ts). */
export const GLOBAL_METRICS_TEXT_SQL = `
  select date_update::text, currency_from::text, amount_total::text, cnt_transactions::text,
         avg_transactions_per_account::text, cnt_accounts_make_transactions::text
  from cdm.global_metrics order by date_update, currency_from`;

/** Every mart, as text, in a stable order: two builds are compared with this. */
export async function martSnapshot(url: string): Promise<Record<string, unknown[]>> {
  const text = (table: string, order: string) => queryRows(url, `select * from (select t::text as row from cdm.${table} as t) s order by ${order}`);
  return {
    usd_rates_daily: await text('usd_rates_daily', 'row'),
    currency_daily: await text('currency_daily', 'row'),
    global_metrics: await text('global_metrics', 'row'),
    turnover_drivers: await text('turnover_drivers', 'row'),
    data_quality_daily: await text('data_quality_daily', 'row'),
  };
}

export { queryRows };
