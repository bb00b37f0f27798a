import assert from 'node:assert/strict';
import { parseMessage } from '../../src/contracts/index.js';
import { GLOBAL_METRICS_TEXT_SQL, martSnapshot } from '../marts/marts-support.js';
import { referenceDataQuality, referenceGlobalMetrics, referenceStg } from '../marts/reference.js';
import { queryRows, stgSnapshot, type Landed } from '../staging/landing-support.js';
import { referenceOrder } from './crash-feed.js';

/**
 * What a kill test compares: STG, the loader's committed counters and the
 * marts, against a clean run of the same input and against what the input
 * itself says (the contract parser and the independent reference of
 * test/marts/reference.ts), never against the code under test alone.
 */

export interface LoadCounters {
  readonly topic: string;
  readonly partition: number;
  readonly next_offset: number;
  readonly records_read: number;
  readonly inserted: number;
  readonly updated: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly conflicts: number;
}

export async function loadCounters(warehouseUrl: string): Promise<LoadCounters[]> {
  return queryRows<LoadCounters>(
    warehouseUrl,
    `select topic, partition, next_offset::int, records_read::int, inserted::int, updated::int, duplicates::int, rejected::int, conflicts::int
     from stg.load_state order by topic, partition`,
  );
}

/**
 * The loader's own counters, committed with each watermark, against the
 * landed records: every landed record was read into exactly one committed
 * chunk (read = landed = next offset, offsets count from 0), and each became
 * exactly one of inserted, updated, duplicate or rejected. A chunk written
 * twice would read more than landed and count extra duplicates, which the
 * dedup rule would otherwise hide in STG: this is what proves it did not
 * happen. Inserted / updated+duplicates / rejected are also recomputed from
 * the contract parser over the landed values (each key is inserted once).
 */
export async function assertCountersAccountForEveryRecord(warehouseUrl: string, landed: readonly Landed[]): Promise<LoadCounters[]> {
  const counters = await loadCounters(warehouseUrl);
  const keys = new Set<string>();
  let valid = 0;
  let invalid = 0;
  for (const record of landed) {
    const parsed = record.value === null ? undefined : parseMessage(record.value);
    if (!parsed?.ok) {
      invalid += 1;
      continue;
    }
    valid += 1;
    keys.add(parsed.kind === 'TRANSACTION' ? `t/${parsed.operationId}/${parsed.status}` : `c/${parsed.dateUpdate}/${parsed.currencyCode}/${parsed.currencyCodeWith}`);
  }
  for (const c of counters) {
    const records = landed.filter((l) => l.topic === c.topic && l.partition === c.partition).length;
    assert.equal(c.records_read, records, `${c.topic}/${c.partition}: every landed record read exactly once`);
    assert.equal(c.next_offset, records, `${c.topic}/${c.partition}: the watermark is past every landed record`);
    assert.equal(c.inserted + c.updated + c.duplicates + c.rejected, c.records_read, `${c.topic}/${c.partition}: read = inserted + updated + duplicates + rejected`);
  }
  const sum = (pick: (c: LoadCounters) => number) => counters.reduce((a, c) => a + pick(c), 0);
  assert.equal(sum((c) => c.records_read), landed.length);
  assert.equal(sum((c) => c.inserted), keys.size, 'each natural key inserted once');
  assert.equal(sum((c) => c.updated + c.duplicates), valid - keys.size, 'every other version of a key updated it or was a duplicate, no more');
  assert.equal(sum((c) => c.rejected), invalid);
  return counters;
}

const DATA_QUALITY_SQL = `
  select date_update::text || '|' || metric || '|' || dimension || '|' || value::text as row
  from cdm.data_quality_daily
  where metric not in ('conflicts', 'late_arrivals')
  order by 1`;

/**
 * global_metrics and the data-quality rows that follow from the data alone
 * equal the independent reference; rejects by day and reason equal the
 * contract parser's judgement of each landed value (a record without a
 * business date is dated by its Kafka timestamp: the record's own
 * `kafkaTimestamp` when it has one, else `kafkaDay`).
 */
export async function assertMartsEqualReference(warehouseUrl: string, landed: readonly Landed[], kafkaDay: string): Promise<void> {
  const stg = referenceStg(referenceOrder(landed));
  assert.deepEqual(await queryRows(warehouseUrl, GLOBAL_METRICS_TEXT_SQL), referenceGlobalMetrics(stg));
  const rejects = new Map<string, number>();
  for (const record of landed) {
    const parsed = record.value === null ? undefined : parseMessage(record.value);
    if (parsed?.ok) continue;
    const key = `${parsed?.eventDate ?? record.kafkaTimestamp?.slice(0, 10) ?? kafkaDay}|rejects|${parsed?.reason ?? 'null_value'}`;
    rejects.set(key, (rejects.get(key) ?? 0) + 1);
  }
  const expected = [...referenceDataQuality(stg), ...[...rejects].map(([key, n]) => `${key}|${n}.00`)].sort();
  assert.deepEqual((await queryRows<{ row: string }>(warehouseUrl, DATA_QUALITY_SQL)).map((r) => r.row), expected);
}

/** Everything a load leaves in the warehouse, for comparing a killed-and-rerun load with a clean one. */
export async function stgState(warehouseUrl: string): Promise<Record<string, unknown>> {
  return { ...(await stgSnapshot(warehouseUrl)), counters: await loadCounters(warehouseUrl) };
}

/** Everything a build leaves: every mart, the built days, refused days, the queue. */
export async function martState(warehouseUrl: string): Promise<Record<string, unknown[]>> {
  return {
    ...(await martSnapshot(warehouseUrl)),
    builtDays: await queryRows(warehouseUrl, 'select date_update::text from cdm.build_days order by 1'),
    buildFailures: await queryRows(warehouseUrl, 'select date_update::text, sqlstate from cdm.build_failures order by 1'),
    queue: await queryRows(warehouseUrl, 'select day::text, kind from stg.touched_days order by 1, 2'),
  };
}
