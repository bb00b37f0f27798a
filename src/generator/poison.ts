import type { RejectReason } from '../contracts/index.js';
import { AsciiWriter, detached, renderCurrency } from './render.js';

/**
 * Deliberately malformed messages, one per reject reason a producer bug can
 * cause, each made from a real-looking message. The generator cycles through
 * them, so a poison scenario exercises every reason; each carries the reason
 * the contract parser must give it (checked by test/generator tests).
 */
export interface PoisonSource {
  /** A valid transaction message as the feed spells it. */
  readonly transaction: string;
  readonly objectId: string;
  readonly date: string;
  readonly eventMs: number;
}

export interface Poison {
  readonly value: string | Buffer;
  readonly reason: RejectReason;
}

const writer = new AsciiWriter();
const OTHER_ID = '00000000-0000-4000-8000-000000000000';

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const result = text.replace(pattern, replacement);
  if (result === text) throw new Error(`poison template did not match ${pattern}`);
  return result;
}

const CATALOG: readonly ((s: PoisonSource) => Poison)[] = [
  (s) => ({ value: s.transaction.slice(0, Math.floor(s.transaction.length * 0.6)), reason: 'not_json' }),
  (s) => {
    const bytes = Buffer.from(s.transaction, 'utf8');
    const at = bytes.indexOf('"country": "') + 12;
    return { value: Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28]), bytes.subarray(at)]), reason: 'not_utf8' };
  },
  (s) => ({ value: replaceOnce(s.transaction, /"object_type": "TRANSACTION"/, '"object_type": "PAYMENT"'), reason: 'unknown_object_type' }),
  (s) => ({ value: replaceOnce(s.transaction, /, "amount": -?\d+/, ''), reason: 'missing_field' }),
  (s) => ({ value: replaceOnce(s.transaction, /"transaction_dt": "(\d{4})-\d{2}-\d{2}/, '"transaction_dt": "$1-02-30'), reason: 'bad_timestamp' }),
  (s) => ({ value: replaceOnce(s.transaction, /"status": "[a-z_]+"/, '"status": "settled"'), reason: 'unknown_status' }),
  (s) => ({ value: replaceOnce(s.transaction, /"amount": (-?\d+)/, '"amount": $1.5'), reason: 'amount_not_safe_integer' }),
  (s) => ({ value: replaceOnce(s.transaction, /"amount": (-?\d+)/, '"amount": "$1"'), reason: 'wrong_type' }),
  (s) => ({ value: replaceOnce(s.transaction, /^\{"object_id": "[0-9a-f-]+"/, '{"object_id": "not-a-uuid"'), reason: 'bad_uuid' }),
  (s) => ({ value: replaceOnce(s.transaction, /"operation_id": "[0-9a-f-]+"/, `"operation_id": "${OTHER_ID}"`), reason: 'object_id_mismatch' }),
  (s) => ({ value: `[${s.transaction}]`, reason: 'not_object' }),
  (s) => ({ value: detached(renderCurrency(writer, s.objectId, s.date, s.eventMs, 430, 420, 0)), reason: 'rate_not_positive' }),
  (s) => ({ value: replaceOnce(s.transaction, /"sent_dttm": "[^"]+"/, `"sent_dttm": "${s.date}T24:00:00"`), reason: 'bad_timestamp' }),
];

export const POISON_KINDS = CATALOG.length;

/** The n-th poison (cycling through the catalog) made from `source`. */
export function poison(n: number, source: PoisonSource): Poison {
  return CATALOG[n % CATALOG.length]!(source);
}
