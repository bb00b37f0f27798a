export { buildMarts, describeDays, MART_TABLES, type BuildMartsRequest } from './build.js';
export { planInterval, planQueue, RATE_REACH_DAYS } from './plan.js';
export type { BuildPlan, BuildStep, BuildSummary, QueueEntry } from './types.js';
