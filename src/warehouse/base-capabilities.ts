import type { WarehouseCapabilities } from './warehouse.js';

/**
 * What the shared code may assume of any warehouse (the Kysely model's
 * `dialect-adapter-base.ts`): no upsert form, no enforced keys, no session
 * statement timeout, no maintained aggregates, bulk loads through `copyInto`
 * only. A dialect states what it can do beyond this, and nothing else.
 */
export const BASE_CAPABILITIES: WarehouseCapabilities = Object.freeze({
  upsert: false,
  merge: false,
  enforcedPrimaryKeys: false,
  sessionStatementTimeout: false,
  maintainedAggregates: false,
});

/** A dialect's capabilities: the base, with what it declares on top. */
export function dialectCapabilities(declared: Partial<WarehouseCapabilities>): WarehouseCapabilities {
  return Object.freeze({ ...BASE_CAPABILITIES, ...declared });
}
