/**
 * The generator's programmatic API: the same feed `turnover generate`
 * produces, as an iterable, for tests and for `turnover up` (backfill then
 * live tail). Deterministic for its options.
 */
export { generateFeed, defaultCustomers, type FeedOptions } from './feed.js';
export { parseScenario, effectsOn, SCENARIO_SYNTAX, type Scenario, type ScenarioKind, type DayEffects } from './scenarios.js';
export { transactionsPerDayForRate } from './options.js';
export { ratesOn, usdValue, rateObjectId, RATE_PAIRS, FEED_CURRENCY_ORDER } from './rates.js';
export { FeedSummary } from './summary.js';
export type { GeneratedMessage, MessageOrigin } from './types.js';
