import { dialectCapabilities } from '../base-capabilities.js';

/** What Vertica can do beyond the base (warehouse.ts documents each flag). */
export const VERTICA_CAPABILITIES = dialectCapabilities({
  merge: true,
});
