import { describeWarehouseSuite } from './warehouse-suite.js';

// The live warehouse suite on the local PostgreSQL: the suite itself proven here, where it can run.
describeWarehouseSuite({
  dialect: 'postgres',
  url: async (stack) => (await stack.freshDatabases('live_warehouse')).warehouseUrl,
  skip: false,
});
