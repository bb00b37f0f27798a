/**
 * The feed's message contract (SPEC §2), shared by every stage that reads
 * message values: the STG loader, `turnover validate`, the generator's tests.
 */
export type { CurrencyRecord, ParseResult, Reject, RejectReason, TransactionRecord, TransactionStatus } from './types.js';
export { REJECT_REASONS, TRANSACTION_STATUSES } from './types.js';
export { parseMessage } from './parse-message.js';
export { parseFeedValue } from './fast-parse.js';
export { parseFeedValueWithSchema } from './schema-parse.js';
export { MessageSchema, TransactionMessageSchema, CurrencyMessageSchema, type FeedMessage, type TransactionMessage, type CurrencyMessage } from './schema.js';
export { canonicalTimestamp, canonicalDateOrTimestamp, isCalendarDate } from './timestamp.js';
export { CURRENCIES, CURRENCY_BY_CODE, REPORTING_CURRENCY, LEDGER_ACCOUNTS, type Currency } from './currencies.js';
