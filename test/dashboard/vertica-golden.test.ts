import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DashboardQueries } from '../../src/dashboard/queries.js';
import { ReadOnlyWarehouse } from '../../src/dashboard/read-only-warehouse.js';
import { silentLogger } from '../../src/log/logger.js';
import { VerticaWarehouse } from '../../src/warehouse/vertica/vertica-warehouse.js';
import { checkVerticaGolden } from '../support/golden.js';
import { RecordingVerticaClient, type RecordedStatement } from '../warehouse/recording-vertica-client.js';

/**
 * Every statement the dashboard sends to Vertica, through a recording client
 * of vertica-nodejs' shape (no Vertica server runs here): the read-only
 * session, then each query with its bound values, for a currency filter and
 * for every currency. The golden file is also parsed by SQLFluff's vertica
 * dialect (test/warehouse/vertica-sqlfluff.test.ts).
 */
describe('Vertica dialect: golden file of the dashboard\'s statements', () => {
  it('read-only session, then every query of the API with its bound values', async () => {
    const log: RecordedStatement[] = [];
    const vertica = new VerticaWarehouse(() => new RecordingVerticaClient(() => undefined, log), silentLogger());
    const readOnly = new ReadOnlyWarehouse(vertica, silentLogger());
    const queries = new DashboardQueries(readOnly);
    const range = { from: '2022-10-01', to: '2022-10-07' };
    await queries.overview();
    await queries.builtDays(range);
    await queries.globalMetrics(range, [420, 440]);
    await queries.globalMetrics(range, 'all');
    await queries.turnoverDrivers(range, [430, 470]);
    await queries.currencyMix(range, 'all');
    await queries.usdRates(range, [440]);
    await queries.dataQuality(range);
    await queries.loadState();
    await readOnly.close();
    // one connection for all of it, made read-only before the first query
    assert.equal(log.filter((s) => s.text === '-- connect').length, 1);
    assert.match(log[1]!.text, /set session characteristics as transaction read only/);
    // values are bound, never written into the statements
    for (const value of ['2022-10-01', '2022-10-07', '420,440', '430,470', '440']) {
      assert.ok(log.every((s) => !s.text.includes(value)), `${value} is bound, not in the SQL text`);
    }
    assert.ok(log.some((s) => s.values?.includes('420,440')));
    checkVerticaGolden('dashboard', log, 'test/dashboard/vertica-golden.test.ts');
  });
});
