import type { WarehouseCapabilities } from '../warehouse.js';

/** What PostgreSQL can do (warehouse.ts documents each flag). */
export const POSTGRES_CAPABILITIES: WarehouseCapabilities = Object.freeze({
  transactionalDdl: true,
  upsert: true,
  merge: true,
  copyFromStdin: true,
  copyCapturesRejects: false,
  advisoryLocks: true,
  enforcedPrimaryKeys: true,
  sessionStatementTimeout: true,
  copyEncoding: 'postgres-binary',
});
