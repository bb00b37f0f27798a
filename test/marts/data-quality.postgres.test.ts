import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseMessage } from '../../src/contracts/index.js';
import { useStack, type TestStack } from '../support/stack.js';
import { fixtureValues } from '../staging/landing-support.js';
import { buildMarts, fixtureFeed, freshPipeline, landAndLoad, queryRows } from './marts-support.js';
import { referenceDataQuality, referenceGlobalMetrics, referenceStg } from './reference.js';

/**
 * cdm.data_quality_daily on the live-feed fixtures plus what a real feed also
 * carries: malformed messages (rejects by reason), a corrected version of a
 * real transaction (a conflict; the later version counts), and a transaction
 * type the contract does not know. Expected values come from the contract
 * parser and the plain-TypeScript reference, not from the mart.
 */

const DAY = '2022-10-01';
// `land` gives every record this Kafka timestamp: the day of a reject whose business date cannot be recovered
const KAFKA_DAY = '2022-10-01';

describe('data_quality_daily on the live-feed fixtures with rejects, a conflict and an unknown type', () => {
  let t: TestStack;
  before(async () => {
    t = await useStack();
  });
  after(async () => {
    await t.release();
  });

  it('counts each by its day and dimension, and global_metrics keep the latest version', { timeout: 300_000 }, async () => {
    const real = fixtureValues().map((v) => JSON.parse(v.toString()) as { object_id: string; object_type: string; sent_dttm: string; payload: Record<string, unknown> });
    const done = real.find((m) => m.object_type === 'TRANSACTION' && m.payload.status === 'done' && Number(m.payload.account_number_from) >= 0)!;
    const corrected = { ...done, sent_dttm: '2022-10-01T23:59:00', payload: { ...done.payload, amount: Number(done.payload.amount) * 3 } };
    const unknownId = '7d3f1c2a-0b4e-4f5a-9c6d-1e2f3a4b5c6d';
    const unknownType = { ...done, object_id: unknownId, payload: { ...done.payload, operation_id: unknownId, transaction_type: 'crypto_incoming' } };
    const badStatus = { ...done, payload: { ...done.payload, status: 'lost' } };
    const extra = [
      Buffer.from(JSON.stringify(corrected)),
      Buffer.from(JSON.stringify(unknownType)),
      Buffer.from(JSON.stringify(badStatus)),
      Buffer.from('not json at all'),
      Buffer.from('{"object_type": "REFUND", "object_id": "x"}'),
      Buffer.from([0xff, 0xfe, 0x00]),
    ];
    const feed = [...fixtureFeed(), ...extra];
    const db = await freshPipeline(t, 'marts_quality');
    await landAndLoad(db, feed);
    await buildMarts(db, ['--from', DAY, '--to', DAY]);

    const expectedRejects = new Map<string, number>();
    for (const value of extra) {
      const parsed = parseMessage(value);
      if (parsed.ok) continue;
      const key = `${parsed.eventDate ?? KAFKA_DAY}|rejects|${parsed.reason}`;
      expectedRejects.set(key, (expectedRejects.get(key) ?? 0) + 1);
    }
    assert.equal([...expectedRejects.values()].reduce((a, b) => a + b, 0), 4);
    const stg = referenceStg(feed);
    const expected = [
      ...referenceDataQuality(stg),
      ...[...expectedRejects].map(([key, n]) => `${key}|${n}.00`),
      `${DAY}|conflicts|done|1.00`,
    ].sort();
    const actual = await queryRows<{ row: string }>(
      db.warehouseUrl,
      `select date_update::text || '|' || metric || '|' || dimension || '|' || value::text as row
       from cdm.data_quality_daily where metric <> 'late_arrivals' order by 1`,
    );
    assert.ok(expected.includes(`${DAY}|unknown_transaction_types|crypto_incoming|1.00`));
    assert.deepEqual(actual.map((r) => r.row), expected);
    // nothing was loaded after the day's first build
    assert.deepEqual(await queryRows(db.warehouseUrl, `select * from cdm.data_quality_daily where metric = 'late_arrivals'`), []);

    // the corrected (later) version is the one counted, and the unknown type is counted as a transaction
    const metrics = await queryRows<Record<string, string | null>>(
      db.warehouseUrl,
      `select date_update::text, currency_from::text, amount_total::text, cnt_transactions::text,
              avg_transactions_per_account::text, cnt_accounts_make_transactions::text
       from cdm.global_metrics order by date_update, currency_from`,
    );
    assert.deepEqual(metrics, referenceGlobalMetrics(stg));
    assert.notDeepEqual(metrics, referenceGlobalMetrics(referenceStg(fixtureFeed())));
  });
});
