/**
 * What other folders may use of the local platform: the Kafka + PostgreSQL
 * stack and the local Superset server. Their internals stay behind this file.
 */
export { LocalStack, stackEnv, type ComponentStatus, type StackStatus } from './stack.js';
export { resolveStackSettings, type StackSettings } from './stack-settings.js';
export { localSuperset, supersetDown, supersetUp, type LocalSupersetOptions } from './superset/index.js';
export { LocalSuperset, type SupersetStatus, type SupersetUpResult } from './superset/superset-server.js';
export { resolveSupersetSettings, type SupersetSettings } from './superset/superset-settings.js';
export { readAdmin, type AdminCredentials } from './superset/superset-secrets.js';
