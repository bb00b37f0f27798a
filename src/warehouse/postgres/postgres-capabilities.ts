import { dialectCapabilities } from '../base-capabilities.js';

/** What PostgreSQL can do beyond the base (warehouse.ts documents each flag). */
export const POSTGRES_CAPABILITIES = dialectCapabilities({
  upsert: true,
  merge: true,
  enforcedPrimaryKeys: true,
  sessionStatementTimeout: true,
  maintainedAggregates: true,
  copyEncoding: 'postgres-binary',
});
