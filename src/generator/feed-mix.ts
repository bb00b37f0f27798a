import { WeightedChoice } from './random.js';

/**
 * The shape of the live feed, read off `test/fixtures/live-feed/` (100 real
 * transaction events, 16 mixed messages, 21 CSV rows, 40 days of rates).
 * Figures in comments are counts in course-transactions-100.jsonl.
 */

/** Transaction types and their share (sbp_incoming 61, c2b_partner_incoming 14, c2a_incoming 11, authorization 6, sbp_outgoing 4, transfer_* 2+2). */
export const TRANSACTION_TYPES = new WeightedChoice<string>([
  ['sbp_incoming', 61],
  ['c2b_partner_incoming', 14],
  ['c2a_incoming', 11],
  ['authorization', 6],
  ['sbp_outgoing', 4],
  ['transfer_outgoing', 2],
  ['transfer_incoming', 2],
]);

/** Outgoing and authorization amounts are negative in the feed; the rest positive. */
export function isDebit(type: string): boolean {
  return type === 'authorization' || type.endsWith('_outgoing');
}

/** Customers' home currencies (430: 50, 470: 12, 410: 11, 460: 9, 450: 8, 420: 6, 440: 4). */
export const HOME_CURRENCIES = new WeightedChoice<number>([
  [430, 50],
  [470, 12],
  [410, 11],
  [460, 9],
  [450, 8],
  [420, 6],
  [440, 4],
]);

/** Share of a customer's operations in a currency other than their home one. */
export const FOREIGN_CURRENCY_SHARE = 0.05;

/**
 * Ledger account on the `from` side: debits and authorizations come from
 * 914810; credits from 903810 about 3 times in 4 (sbp_incoming 46 vs 11).
 */
export const CREDIT_LEDGER = new WeightedChoice<number>([
  [903810, 74],
  [914810, 26],
]);
export const DEBIT_LEDGER = 914810;

/** Test operations (`account_number_from` = -1: 8 of 100 in the sample, which is a busy test window). */
export const TEST_FROM_SHARE = 0.03;
/** Negative `account_number_to`: never in the sample, allowed by SPEC §2. */
export const TEST_TO_SHARE = 0.003;
/** A ledger account on the customer side (to = 903810/914810: 7 of 100). */
export const LEDGER_TO_SHARE = 0.03;

/**
 * Amount model per type, in minor units: log-normal around `median` with
 * `sigma`, rounded to `step` (the feed's incoming amounts are whole units,
 * authorizations to the cent). c2a top-ups are mostly fixed sizes.
 */
export interface AmountModel {
  readonly median: number;
  readonly sigma: number;
  readonly step: number;
  readonly fixed?: WeightedChoice<number>;
  readonly fixedShare?: number;
}

export const AMOUNT_MODELS: Readonly<Record<string, AmountModel>> = {
  sbp_incoming: { median: 50_000, sigma: 1.3, step: 100 },
  c2b_partner_incoming: { median: 150_000, sigma: 0.8, step: 100 },
  c2a_incoming: { median: 200_000, sigma: 0.7, step: 10_000, fixed: new WeightedChoice([[150_000, 6], [200_000, 2], [300_000, 1]]), fixedShare: 0.7 },
  authorization: { median: 25_000, sigma: 1.1, step: 1 },
  sbp_outgoing: { median: 300_000, sigma: 1.4, step: 100 },
  transfer_outgoing: { median: 250_000, sigma: 0.9, step: 100 },
  transfer_incoming: { median: 200_000, sigma: 0.9, step: 100 },
};

/** Seconds from queued to in_progress and from in_progress to the final status (12 s in the CSV sample). */
export const STEP_SECONDS = { min: 9, max: 16 };
/** Share of operations that end `blocked` instead of `done` (2 blocked to 30 done in the sample). */
export const BLOCKED_SHARE = 0.05;
/** Share of done operations charged back, and when (about 7 h later in the sample). */
export const CHARGEBACK_SHARE = 0.02;
export const CHARGEBACK_HOURS = { min: 5, max: 9 };
/** `sent_dttm` spelled `YYYY-MM-DD HH:MM:SS` instead of `…THH:MM:SS` (1 of 16 in course-messages). */
export const SPACE_SENT_DTTM_SHARE = 0.06;

/** Mean messages per operation: queued + in_progress + final + chargebacks. */
export const MESSAGES_PER_OPERATION = 3 + (1 - BLOCKED_SHARE) * CHARGEBACK_SHARE;

/** Day-of-week volume (Sunday first): weekends are quieter. */
export const WEEKDAY_VOLUME = [0.8, 1.0, 1.02, 1.03, 1.04, 1.08, 0.88];
/** Day-to-day noise of volume (log-normal sigma). */
export const DAILY_VOLUME_SIGMA = 0.05;
