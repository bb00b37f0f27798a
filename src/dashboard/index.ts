export { startDashboard } from './dashboard.js';
export { resolveDashboardConfig, DASHBOARD_DEFAULTS, type DashboardConfig } from './options.js';
export type { DashboardServer } from './server.js';
export type * from './types.js';
