import { createHash } from 'node:crypto';
import { fixtureRates, rateMessage } from '../marts/marts-support.js';
import { fixtureValues } from '../staging/landing-support.js';

/**
 * A week of feed for the dashboard, made from the live-feed fixtures: day 1
 * is the real messages as they are (all statuses, test accounts,
 * chargebacks, both timestamp formats); days 2..7 are the real transaction
 * messages moved to that day, under new operation ids, with a per-day subset
 * of operations, per-(day, currency) ticket changes and a few new customer
 * accounts, so that every driver moves. Rates are the feed's real rate
 * history for those days. On purpose:
 * - no EUR→USD quote on STALE_RATE_DAY (EUR converts at the day before's rate: stale);
 * - no GBP→USD quote on MISSING_RATE_DAY, the first day (no earlier quote: GBP has no USD
 *   amount that day, and is excluded from the drivers of that day and the next);
 * - no TRY operations on EXIT_DAY (TRY exits that day and re-enters the next);
 * - three malformed messages dated REJECTS_DAY (rejects by reason).
 */
export const FEED_DAYS = ['2022-10-01', '2022-10-02', '2022-10-03', '2022-10-04', '2022-10-05', '2022-10-06', '2022-10-07'] as const;
export const FIRST_DAY = FEED_DAYS[0];
export const LAST_DAY = FEED_DAYS[FEED_DAYS.length - 1]!;
export const STALE_RATE_DAY = '2022-10-04';
export const MISSING_RATE_DAY = '2022-10-01';
export const EXIT_DAY = '2022-10-05';
export const REJECTS_DAY = '2022-10-03';
/** The day before the data: built empty, so the first day's drivers exist (every currency enters). */
export const BUILD_FROM = '2022-09-30';

const EUR = 440;
const GBP = 460;
const TRY = 470;

function hash(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

function uuidOf(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

interface TransactionMessage {
  object_id: string;
  object_type: 'TRANSACTION';
  sent_dttm: string;
  payload: {
    operation_id: string;
    account_number_to: number;
    currency_code: number;
    amount: number;
    transaction_dt: string;
    [field: string]: unknown;
  };
}

/** A fixture transaction message moved to `day` (index ≥ 1), or undefined when that day leaves its operation out. */
function moved(message: TransactionMessage, day: string, index: number): TransactionMessage | undefined {
  const operation = message.payload.operation_id;
  const currency = message.payload.currency_code;
  if (day === EXIT_DAY && currency === TRY) return undefined;
  const keepPercent = [100, 85, 70, 95, 80, 90, 75][index]!;
  if (hash(`${operation}/${day}/keep`) % 100 >= keepPercent) return undefined;
  // the average ticket of each currency moves by -16 %..+16 % from day to day
  const factor = 1 + (((index * 3 + Math.floor(currency / 10)) % 5) - 2) * 0.08;
  const draw = hash(`${operation}/${day}/account`) % 12;
  // a few new customers, and on odd days a regular customer who pays several times (frequency)
  const account = draw < 3 ? 7_000_000 + (hash(`${operation}/${day}/to`) % 5_000) : draw < 5 && index % 2 === 1 ? 7_999_000 + currency : message.payload.account_number_to;
  const id = uuidOf(`${operation}/${day}`);
  return {
    ...message,
    object_id: id,
    sent_dttm: day + message.sent_dttm.slice(10),
    payload: {
      ...message.payload,
      operation_id: id,
      account_number_to: message.payload.account_number_to >= 0 ? account : message.payload.account_number_to,
      amount: Math.round(message.payload.amount * factor),
      transaction_dt: day + message.payload.transaction_dt.slice(10),
    },
  };
}

const MALFORMED = (day: string): Buffer[] => [
  // a transaction without its amount
  Buffer.from(JSON.stringify({
    object_id: uuidOf(`${day}/malformed/1`),
    object_type: 'TRANSACTION',
    sent_dttm: `${day}T10:00:00`,
    payload: { operation_id: uuidOf(`${day}/malformed/1`), account_number_from: 903810, account_number_to: 123456, currency_code: 420, country: 'usa', status: 'done', transaction_type: 'sbp_incoming', transaction_dt: `${day} 10:00:00` },
  })),
  // an object type outside the contract
  Buffer.from(JSON.stringify({ object_id: uuidOf(`${day}/malformed/2`), object_type: 'REFUND', sent_dttm: `${day}T11:00:00`, payload: {} })),
  // cut-off bytes
  Buffer.from(`{"object_id": "${uuidOf(`${day}/malformed/3`)}", "object_type": "TRANSACTION", "sent_dttm": "${day}T12:00:00", "payload": {"amo`),
];

/** The real transaction messages of the first day, parsed. */
function fixtureTransactions(): TransactionMessage[] {
  return fixtureValues()
    .map((value) => JSON.parse(value.toString('utf8')) as { object_type: string })
    .filter((message): message is TransactionMessage => message.object_type === 'TRANSACTION');
}

/**
 * One more day after the week (for live-refresh tests): its rates (the
 * feed's real history) and the real transactions moved to it.
 */
export function laterDay(day: string): Buffer[] {
  const rates = fixtureRates().filter((row) => row.dateUpdate === day).map(rateMessage);
  const transactions = fixtureTransactions().flatMap((message) => {
    const copy = moved(message, day, 2);
    return copy ? [Buffer.from(JSON.stringify(copy))] : [];
  });
  return [...rates, ...transactions];
}

/** Every message value of the week, rates first. */
export function dashboardFeed(): Buffer[] {
  const rates = fixtureRates()
    .filter((row) => row.dateUpdate >= FIRST_DAY && row.dateUpdate <= LAST_DAY)
    .filter((row) => !(row.dateUpdate === STALE_RATE_DAY && row.currencyCode === EUR && row.currencyCodeWith === 420))
    .filter((row) => !(row.dateUpdate === MISSING_RATE_DAY && row.currencyCode === GBP && row.currencyCodeWith === 420))
    .map(rateMessage);
  const firstDay = fixtureValues();
  const transactions = fixtureTransactions();
  const later = FEED_DAYS.slice(1).flatMap((day, i) => {
    const values = transactions.flatMap((message) => {
      const copy = moved(message, day, i + 1);
      return copy ? [Buffer.from(JSON.stringify(copy))] : [];
    });
    return day === REJECTS_DAY ? [...values, ...MALFORMED(day)] : values;
  });
  return [...rates, ...firstDay, ...later];
}
