import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../src/log/logger.js';
import { parseChunk } from '../../src/staging/chunk-planner.js';
import { ChunkWriter } from '../../src/staging/chunk-writer.js';
import type { LandedRecord } from '../../src/staging/types.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { fixtureValues } from '../staging/landing-support.js';

/**
 * Against a real Vertica, only when TURNOVER_TEST_VERTICA_URL is set
 * (vertica://user:password@host:5433/db, a database this test may write
 * stg.* into). No Vertica server can run on the development machine, so the
 * suite reports these as skipped there; golden files and SQLFluff cover the
 * statements meanwhile (docs/warehouse.md).
 */
const URL = process.env.TURNOVER_TEST_VERTICA_URL;
const skip = URL ? false : 'TURNOVER_TEST_VERTICA_URL is not set (no Vertica server on this machine)';

describe('Vertica dialect against a real Vertica', () => {
  it('migrates idempotently (twice, second run applies nothing)', { skip }, async () => {
    const warehouse = await openWarehouse(URL, silentLogger());
    await warehouse.migrate();
    assert.deepEqual(await warehouse.migrate(), []);
    await warehouse.close();
  });

  it('loads a chunk of the live feed into STG exactly once, rejects captured, watermark in the same transaction', { skip }, async () => {
    const warehouse = await openWarehouse(URL, silentLogger());
    const topic = `vertica-test-${Date.now()}`;
    const values: (Buffer | null)[] = [...fixtureValues(), Buffer.from('not json')];
    const records: LandedRecord[] = values.map((value, offset) => ({
      topic, incarnation: 0, partition: 0, offset, key: null, value, kafkaTimestampMs: BigInt(Date.now()),
    }));
    const writer = await ChunkWriter.open(warehouse);
    try {
      const counts = await writer.write(parseChunk(records), null, records.length);
      assert.equal(counts.inserted + counts.duplicates + counts.rejected + counts.updated, records.length);
      assert.deepEqual((await writer.watermarks()).get(`${topic}|0`), records.length);
      const { rows } = await warehouse.query<{ n: number }>('select count(*) as n from stg.rejects where src_topic = ?', [topic]);
      assert.equal(Number(rows[0]!.n), 1);
    } finally {
      await writer.close();
      await warehouse.close();
    }
  });
});
