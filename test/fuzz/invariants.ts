import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { REJECT_REASONS } from '../../src/contracts/index.js';
import { decimalText, referenceDrivers, type DriverRowText } from '../marts/reference.js';
import { GLOBAL_METRICS_TEXT_SQL } from '../marts/marts-support.js';
import { queryRows } from '../staging/landing-support.js';
import { HEADERS_AS_HEX_PAIRS } from '../spark/spark-harness.js';
import { stgKafkaTimestamp, type Expected, type Verdict } from './expected.js';
import type { Produced } from './pipeline.js';

/**
 * The invariants of issue 16, item 5, checked against what the pipeline
 * wrote: every record landed once byte-exact, every record in STG as a row
 * of the reference or a reject with the contract parser's reason, the marts
 * equal to the reference computed over the valid records alone.
 */

type Row = Record<string, any>;

/** Rows compared by key, the differing ones named in full (a deepEqual of long arrays shows only a few lines of its diff). */
function assertSameRows<R>(actual: readonly R[], expected: readonly R[], keyOf: (row: R) => string, what: string): void {
  const byKey = (rows: readonly R[]): Map<string, R> => new Map(rows.map((r) => [keyOf(r), r]));
  const [mine, theirs] = [byKey(actual), byKey(expected)];
  assert.equal(mine.size, actual.length, `${what}: one row per key`);
  const differences = [...new Set([...mine.keys(), ...theirs.keys()])]
    .filter((k) => !isDeepStrictEqual(mine.get(k), theirs.get(k)))
    .map((k) => `${k}: ${JSON.stringify(mine.get(k)) ?? 'no row'}, expected ${JSON.stringify(theirs.get(k)) ?? 'no row'}`);
  if (differences.length > 0) assert.fail(`${what}: ${differences.length} rows differ from the reference:\n${differences.slice(0, 12).join('\n')}`);
  assert.deepEqual(actual, expected, `${what}: the same rows in the same order`);
}
const at = (p: { partition: number; offset: number }): string => `${p.partition}/${p.offset}`;
const described = (p: Produced): string => `${at(p)} (wave ${p.wave}, ${p.label})`;
const hex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'));
/** timestamptz's range in ms (4714-11-24 BC … 294277-01-01 exclusive): kafka_timestamp is null outside it. */
const TZ_MIN_MS = -210_866_803_200_000n;
const TZ_END_MS = 9_224_318_016_000_000n;

/**
 * raw.kafka_messages holds every record once, at its offset, byte-exact (key,
 * value, header names and values in order, the exact ms), or raw.landing_rejects
 * holds it with its offset; and since every generated record fits PostgreSQL
 * (values ≤ 2 MB, far below bytea's 1 GB), none needed quarantine.
 * `landedName` maps a header name to the bytes the engine can land (the
 * Spark engine's documented limit; identity for the Node engine).
 */
export async function assertLanded(stagingUrl: string, topic: string, produced: readonly Produced[], landedName: (name: Buffer) => string): Promise<void> {
  const landed = await queryRows<Row>(
    stagingUrl,
    `select partition, "offset"::int as offset, key, value, ${HEADERS_AS_HEX_PAIRS} as headers, kafka_timestamp_ms::text as ms,
            ((extract(epoch from kafka_timestamp) * 1000)::numeric(40, 0))::text as tz_ms
     from raw.kafka_messages where topic = $1`,
    [topic],
  );
  const rejected = await queryRows<Row>(stagingUrl, 'select partition, "offset"::int as offset, reason, detail from raw.landing_rejects where topic = $1', [topic]);
  const landedAt = new Map(landed.map((r) => [at(r as never), r]));
  const rejectedAt = new Map(rejected.map((r) => [at(r as never), r]));
  assert.equal(landedAt.size, landed.length, 'one landed row per offset');
  for (const p of produced) {
    const row = landedAt.get(at(p));
    const where = described(p);
    if (!row) {
      assert.ok(rejectedAt.has(at(p)), `${where} is in raw.kafka_messages or raw.landing_rejects`);
      continue;
    }
    assert.ok(!rejectedAt.has(at(p)), `${where} is landed and quarantined both`);
    assert.deepEqual(row.key, p.key, `key of ${where}`);
    assert.ok(row.value === null ? p.value === null : p.value !== null && row.value.equals(p.value), `value of ${where}`);
    const headers = p.headers.length > 0 ? p.headers.map(([name, value]) => [landedName(name), hex(value)]) : null;
    assert.deepEqual(row.headers, headers, `headers of ${where}`);
    assert.equal(row.ms, String(p.timestamp), `kafka_timestamp_ms of ${where}`);
    const inRange = p.timestamp >= TZ_MIN_MS && p.timestamp < TZ_END_MS;
    assert.equal(row.tz_ms, inRange ? String(p.timestamp) : null, `kafka_timestamp of ${where}`);
  }
  assert.equal(landed.length + rejected.length, produced.length, 'nothing landed that was not produced');
  assert.deepEqual(rejected, [], 'no record needed the landing quarantine');
}

const TRANSACTIONS_SQL = `
  select operation_id::text, status, object_id::text, account_number_from::text, account_number_to::text, currency_code, country,
         transaction_type, amount::text, to_char(transaction_dt, 'YYYY-MM-DD HH24:MI:SS.US') as transaction_dt, transaction_date::text,
         to_char(sent_dttm, 'YYYY-MM-DD HH24:MI:SS.US') as sent_dttm
  from stg.transactions order by operation_id, status`;
const CURRENCIES_SQL = `
  select date_update::text, currency_code, currency_code_with, currency_with_div::text, to_char(sent_dttm, 'YYYY-MM-DD HH24:MI:SS.US') as sent_dttm
  from stg.currencies order by date_update, currency_code, currency_code_with`;

/**
 * STG: every invalid record a reject with the parser's reason and field, its
 * exact key and value, its event date and Kafka timestamp, a bounded detail;
 * every valid one in stg.transactions / stg.currencies as the reference keeps
 * it (the latest version by sent_dttm, then offset); watermarks past the end.
 */
export async function assertStg(warehouseUrl: string, topic: string, produced: readonly Produced[], expected: Expected): Promise<void> {
  const rejects = await queryRows<Row>(
    warehouseUrl,
    `select src_partition as partition, src_offset::int as offset, reason, field, detail, key, value, event_date::text as day,
            ((extract(epoch from kafka_timestamp) * 1000)::numeric(40, 0))::text as ts_ms
     from stg.rejects where src_topic = $1`,
    [topic],
  );
  const rejectAt = new Map(rejects.map((r) => [at(r as never), r]));
  let expectedRejects = 0;
  for (const p of produced) {
    const verdict: Verdict = expected.verdicts.get(p)!;
    const reject = rejectAt.get(at(p));
    const where = described(p);
    if (verdict.kind === 'row') {
      assert.equal(reject, undefined, `${where} is valid, not a ${reject?.reason} reject: ${reject?.detail}`);
      continue;
    }
    expectedRejects += 1;
    assert.ok(reject, `${where}: a ${verdict.reason} reject`);
    assert.deepEqual([reject.reason, reject.field, reject.day], [verdict.reason, verdict.field, verdict.eventDate], `reason, field and event date of ${where}: ${reject.detail}`);
    assert.deepEqual(reject.key, p.key, `key of ${where}`);
    assert.ok(reject.value === null ? p.value === null : p.value !== null && reject.value.equals(p.value), `the exact value of ${where}`);
    const stored = stgKafkaTimestamp(p.timestamp);
    assert.equal(reject.ts_ms, stored === null ? null : String(p.timestamp), `kafka_timestamp of ${where}`);
    assert.ok(typeof reject.detail === 'string' && reject.detail.length > 0 && reject.detail.length <= 1000, `a bounded detail for ${where}`);
    assert.ok((REJECT_REASONS as readonly string[]).includes(reject.reason));
  }
  assert.equal(rejects.length, expectedRejects, 'no reject for a record that was not produced');

  const transactions = expected.stg.transactions
    .map((r) => ({
      operation_id: r.operationId, status: r.status, object_id: r.objectId, account_number_from: String(r.accountNumberFrom), account_number_to: String(r.accountNumberTo),
      currency_code: r.currencyCode, country: r.country, transaction_type: r.transactionType, amount: String(r.amount), transaction_dt: r.transactionDt,
      transaction_date: r.transactionDate, sent_dttm: r.sentDttm,
    }))
    .sort((a, b) => (a.operation_id === b.operation_id ? (a.status < b.status ? -1 : 1) : a.operation_id < b.operation_id ? -1 : 1));
  assertSameRows(await queryRows(warehouseUrl, TRANSACTIONS_SQL), transactions, (r) => `${r.operation_id}/${r.status}`, 'stg.transactions: every valid transaction, the latest version of each');
  const currencies = expected.stg.currencies
    .map((r) => ({ date_update: r.dateUpdate, currency_code: r.currencyCode, currency_code_with: r.currencyCodeWith, currency_with_div: decimalText(BigInt(Math.round(r.currencyWithDiv * 1e6)), 6), sent_dttm: r.sentDttm }))
    .sort((a, b) => (a.date_update !== b.date_update ? (a.date_update < b.date_update ? -1 : 1) : a.currency_code - b.currency_code || a.currency_code_with - b.currency_code_with));
  assertSameRows(await queryRows(warehouseUrl, CURRENCIES_SQL), currencies, (r) => `${r.date_update}/${r.currency_code}/${r.currency_code_with}`, 'stg.currencies: the latest version of every rate');

  const ends = new Map<number, number>();
  for (const p of produced) ends.set(p.partition, Math.max(ends.get(p.partition) ?? 0, p.offset + 1));
  const watermarks = await queryRows<Row>(warehouseUrl, 'select partition, next_offset::int as n from stg.load_state where topic = $1', [topic]);
  assert.deepEqual(new Map(watermarks.map((w) => [w.partition, w.n])), ends, 'the watermark is past every record');
}

const DATA_QUALITY_SQL = `
  select date_update::text || '|' || metric || '|' || dimension || '|' || value::text as row
  from cdm.data_quality_daily where metric not in ('conflicts', 'late_arrivals') order by 1`;
const DRIVERS_SQL = `
  select date_update::text, currency_from::text, kind, turnover_prev_usd::text, turnover_usd::text, change_usd::text,
         accounts_prev::text, accounts::text, transactions_prev::text, transactions::text, ticket_prev::text, ticket::text,
         rate_prev::text, rate::text, entry_exit_effect::text,
         accounts_effect::text, frequency_effect::text, ticket_effect::text, fx_effect::text
  from cdm.turnover_drivers order by date_update, currency_from nulls last`;
const EFFECTS = ['accounts_effect', 'frequency_effect', 'ticket_effect', 'fx_effect'] as const;
const cents = (text: string | null): bigint => BigInt(Math.round(Number(text) * 100));

/**
 * The marts after a queue build: every day with data built, nothing left in
 * the queue, no build failure; global_metrics and the data-quality metrics
 * the reference covers equal to it; every drivers row equal to it, the LMDI
 * effects within a cent of the exact ones and adding up to the change.
 */
export async function assertMarts(warehouseUrl: string, expected: Expected): Promise<void> {
  assert.deepEqual(await queryRows(warehouseUrl, 'select date_update::text, sqlstate, detail from cdm.build_failures'), [], 'no day refused');
  assert.deepEqual(await queryRows(warehouseUrl, 'select day::text, kind from stg.touched_days'), [], 'the queue is consumed');
  const built = new Set((await queryRows<Row>(warehouseUrl, 'select date_update::text as day from cdm.build_days')).map((r) => r.day as string));
  assert.deepEqual([...expected.daysWithData].filter((d) => !built.has(d)), [], 'every day with data is built');

  assertSameRows(await queryRows<Row>(warehouseUrl, GLOBAL_METRICS_TEXT_SQL), expected.globalMetrics, (r) => `${r.date_update}/${r.currency_from}`, 'cdm.global_metrics');
  const quality = (rows: readonly string[]) => rows.map((row) => ({ key: row.slice(0, row.lastIndexOf('|')), value: row.slice(row.lastIndexOf('|') + 1) }));
  assertSameRows(quality((await queryRows<Row>(warehouseUrl, DATA_QUALITY_SQL)).map((r) => r.row)), quality(expected.dataQuality), (r) => r.key, 'cdm.data_quality_daily');

  const drivers = await queryRows<Row>(warehouseUrl, DRIVERS_SQL);
  const reference = referenceDrivers(expected.stg, built);
  const textOf = (row: Row): DriverRowText => Object.fromEntries(Object.entries(row).filter(([k]) => !(EFFECTS as readonly string[]).includes(k))) as DriverRowText;
  assertSameRows(drivers.map(textOf), reference.map((r) => r.text), (r) => `${r.date_update}/${r.currency_from ?? 'total'}`, 'cdm.turnover_drivers');
  drivers.forEach((row, i) => {
    const where = `drivers of ${row.date_update}/${row.currency_from ?? 'total'} (${row.kind})`;
    const exact = reference[i]!.effects;
    if (exact === null) return assert.deepEqual(EFFECTS.map((e) => row[e]), [null, null, null, null], where);
    const rounded = EFFECTS.map((e) => cents(row[e]));
    assert.equal(rounded.reduce((a, b) => a + b, 0n) + cents(row.entry_exit_effect), cents(row.change_usd), `${where}: the effects add up to the change`);
    if (exact === undefined) {
      const day = drivers.filter((d) => d.date_update === row.date_update && d.kind !== 'total' && d.kind !== 'excluded');
      EFFECTS.forEach((e, k) => assert.equal(rounded[k], day.reduce((s, d) => s + cents(d[e]), 0n), `${where}: ${e} is the sum of the day's rows`));
      return;
    }
    [exact.accounts, exact.frequency, exact.ticket, exact.fx].forEach((value, k) => {
      assert.ok(Math.abs(Number(rounded[k]) - value * 100) < 1 + 1e-6, `${where}: ${EFFECTS[k]} ${rounded[k]} cents, exactly ${value * 100}`);
    });
  });
}
