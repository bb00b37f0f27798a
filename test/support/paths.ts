import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';

export { PACKAGE_ROOT };

/** Real messages and rates from the live feed (copied verbatim from ../shared/fixtures). */
export const LIVE_FEED_DIR = join(PACKAGE_ROOT, 'test', 'fixtures', 'live-feed');

export const LIVE_FEED = Object.freeze({
  messages: join(LIVE_FEED_DIR, 'course-messages.jsonl'),
  transactions100: join(LIVE_FEED_DIR, 'course-transactions-100.jsonl'),
  currenciesHistory: join(LIVE_FEED_DIR, 'course-currencies-history.csv'),
  currenciesSample: join(LIVE_FEED_DIR, 'course-currencies-sample.csv'),
  transactionsSample: join(LIVE_FEED_DIR, 'course-transactions-sample.csv'),
});

/** Where tests save screenshots and other artifacts for a human to look at. */
export const ARTIFACTS_DIR = join(PACKAGE_ROOT, 'test-artifacts');
