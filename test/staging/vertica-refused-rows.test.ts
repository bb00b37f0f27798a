import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../../src/log/logger.js';
import { parseChunk } from '../../src/staging/chunk-planner.js';
import { ChunkWriter } from '../../src/staging/chunk-writer.js';
import { isDataRefusal, RowsRefusedError } from '../../src/staging/refused-records.js';
import type { VerticaQueryConfig, VerticaResult } from '../../src/warehouse/vertica/vertica-client.js';
import { VerticaWarehouse } from '../../src/warehouse/vertica/vertica-warehouse.js';
import { RecordingVerticaClient, type RecordedStatement } from '../warehouse/recording-vertica-client.js';
import { fixtureValues } from './landing-support.js';

/**
 * Vertica's COPY does not fail on a row it cannot take: it loads the others
 * and reports the rejected rows (no Vertica server runs here: a client of
 * vertica-nodejs' shape answers as Vertica would). For the STG loader that
 * is a data error like SQLSTATE class 22 on PostgreSQL: the chunk's
 * transaction is rolled back, watermark unmoved, and the loader isolates the
 * record (refused-records.ts) instead of stopping on a reconciliation error.
 */

/** Vertica answering a COPY into stg.transactions with its first row rejected. */
class RejectingVerticaClient extends RecordingVerticaClient {
  override async query(config: VerticaQueryConfig): Promise<VerticaResult> {
    const result = await super.query(config);
    if (!/^copy stg\.transactions\b/.test(config.text)) return result;
    const loaded = Number(result.rows[0]?.['Rows Loaded'] ?? 0);
    return { rows: [{ 'Rows Loaded': loaded - 1 }], getRejectedRows: () => [1] };
  }
}

describe('Vertica: rows a COPY rejects', () => {
  it('are a data refusal of the chunk: rolled back, the watermark not saved', async () => {
    const log: RecordedStatement[] = [];
    const warehouse = new VerticaWarehouse(() => new RejectingVerticaClient(() => undefined, log), silentLogger());
    const writer = await ChunkWriter.open(warehouse);
    const records = fixtureValues()
      .slice(0, 8)
      .map((value, offset) => ({ topic: 'transaction-service-input', incarnation: 0, partition: 0, offset, key: null, value, kafkaTimestampMs: BigInt(Date.UTC(2022, 9, 1)) }));
    let refusal: unknown;
    await writer.write(parseChunk(records), null, records.length).catch((error: unknown) => {
      refusal = error;
    });
    await writer.close();
    assert.ok(refusal instanceof RowsRefusedError, String(refusal));
    assert.match((refusal as Error).message, /the warehouse refused 1 rows of stg\.transactions: row 1: row 1 of the COPY into stg\.transactions was rejected by Vertica/);
    assert.ok(isDataRefusal(refusal));
    const texts = log.map((s) => s.text.trim());
    assert.ok(texts.includes('rollback'), 'the chunk is rolled back');
    assert.ok(!texts.some((t) => /stg\.load_state/.test(t) && /^(insert|merge|update)/m.test(t)), 'the watermark is not saved');
  });
});
