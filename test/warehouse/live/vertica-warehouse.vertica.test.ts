import { describeWarehouseSuite } from './warehouse-suite.js';

/**
 * The same suite on a real Vertica when TURNOVER_TEST_VERTICA_URL is set
 * (`npm test -- vertica`): a database the suite may empty — it drops the
 * schemas stg and cdm and the migration history first. docs/warehouse.md,
 * "Verify on your Vertica", has the steps.
 */
const url = process.env.TURNOVER_TEST_VERTICA_URL;
describeWarehouseSuite({
  dialect: 'vertica',
  url: async () => url ?? '',
  skip: url ? false : 'TURNOVER_TEST_VERTICA_URL is not set (no Vertica server on this machine)',
});
