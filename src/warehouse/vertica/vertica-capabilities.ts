import type { WarehouseCapabilities } from '../warehouse.js';

/** What Vertica can do (warehouse.ts documents each flag). */
export const VERTICA_CAPABILITIES: WarehouseCapabilities = Object.freeze({
  transactionalDdl: false,
  upsert: false,
  merge: true,
  copyFromStdin: true,
  copyCapturesRejects: true,
  advisoryLocks: false,
  enforcedPrimaryKeys: false,
  sessionStatementTimeout: false,
});
