/**
 * The live feed's producer writes every message the same way (Python's
 * json.dumps: fixed key order, `", "` and `": "` separators, no escapes).
 * For text of exactly that shape, one regular expression reads the fields in
 * about a third of JSON.parse's time (bench/contracts), and builds the very
 * value JSON.parse would: strings without escapes or control characters are
 * their own JSON value, and the number patterns are JSON's grammar, which
 * Number() rounds as JSON.parse does. Anything else — another key order,
 * extra fields, whitespace, escapes — does not match and goes to JSON.parse.
 * `test/contracts/feed-shape.test.ts` checks the claim on mutated messages.
 */
const STRING = '([^"\\\\\\u0000-\\u001f]*)';
const INTEGER = '(-?(?:0|[1-9]\\d*))';
const NUMBER = '(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)';

/** The envelope head in either of the two orders the feed uses (object_type before or after sent_dttm). */
const head = (type: string): string =>
  `^\\{"object_id": "${STRING}", (?:"object_type": "${type}", "sent_dttm": "${STRING}"|"sent_dttm": "${STRING}", "object_type": "${type}"), "payload": \\{`;

const TRANSACTION = new RegExp(
  `${head('TRANSACTION')}"operation_id": "${STRING}", "account_number_from": ${INTEGER}, "account_number_to": ${INTEGER}, `
    + `"currency_code": ${INTEGER}, "country": "${STRING}", "status": "${STRING}", "transaction_type": "${STRING}", `
    + `"amount": ${INTEGER}, "transaction_dt": "${STRING}"\\}\\}$`,
);

const CURRENCY = new RegExp(
  `${head('CURRENCY')}"date_update": "${STRING}", "currency_code": ${INTEGER}, "currency_code_with": ${INTEGER}, "currency_with_div": ${NUMBER}\\}\\}$`,
);

/** JSON.parse's value for a message in the feed's own spelling, or undefined (then use JSON.parse). */
export function readFeedShape(text: string): Record<string, unknown> | undefined {
  const t = TRANSACTION.exec(text);
  if (t) {
    return {
      object_id: t[1],
      object_type: 'TRANSACTION',
      sent_dttm: t[2] ?? t[3],
      payload: {
        operation_id: t[4],
        account_number_from: Number(t[5]),
        account_number_to: Number(t[6]),
        currency_code: Number(t[7]),
        country: t[8],
        status: t[9],
        transaction_type: t[10],
        amount: Number(t[11]),
        transaction_dt: t[12],
      },
    };
  }
  const c = CURRENCY.exec(text);
  if (c) {
    return {
      object_id: c[1],
      object_type: 'CURRENCY',
      sent_dttm: c[2] ?? c[3],
      payload: { date_update: c[4], currency_code: Number(c[5]), currency_code_with: Number(c[6]), currency_with_div: Number(c[7]) },
    };
  }
  return undefined;
}
