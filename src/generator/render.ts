import { CURRENCY_BY_CODE } from '../contracts/index.js';
import { DAY_MS } from './days.js';

/**
 * Message values exactly as the live feed spells them: key order, `", "` and
 * `": "` separators (the producer is Python's json.dumps), `sent_dttm` as
 * `YYYY-MM-DDTHH:MM:SS` (now and then with a space), `transaction_dt` with a
 * space, whole seconds.
 *
 * Written as bytes straight into 1 MiB slabs, each value a view: a template
 * string would be a rope that V8 flattens again when it becomes bytes, which
 * cost more than generating the message (bench/generator). Everything here
 * is ASCII, so a char code is a byte.
 */
const SLAB_BYTES = 1 << 20;
const MAX_MESSAGE_BYTES = 1024;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

export class AsciiWriter {
  #buffer: Buffer;
  #at = 0;
  #start = 0;
  #dayCached = Number.NaN;
  #dateCached: Uint8Array = new Uint8Array(10);

  constructor(private readonly slabBytes: number = SLAB_BYTES) {
    this.#buffer = Buffer.allocUnsafe(slabBytes);
  }

  begin(): void {
    if (this.#at + MAX_MESSAGE_BYTES > this.#buffer.length) {
      this.#buffer = Buffer.allocUnsafe(this.slabBytes);
      this.#at = 0;
    }
    this.#start = this.#at;
  }

  /** Ends the current piece and starts the next one right after it (several views from one begin()). */
  cut(): Buffer {
    const piece = this.#buffer.subarray(this.#start, this.#at);
    this.#start = this.#at;
    return piece;
  }

  /** The message written since begin(): a view into the slab. */
  end(): Buffer {
    return this.#buffer.subarray(this.#start, this.#at);
  }

  bytes(constant: Uint8Array): void {
    const length = constant.length;
    if (length > 48) {
      this.#buffer.set(constant, this.#at);
      this.#at += length;
      return;
    }
    // a short copy is cheaper as a loop than as a call into TypedArray.set
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < length; i++) buffer[at++] = constant[i]!;
    this.#at = at;
  }

  text(value: string): void {
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < value.length; i++) buffer[at++] = value.charCodeAt(i);
    this.#at = at;
  }

  /** A safe integer in decimal, written digit by digit (no string on the way). */
  int(value: number): void {
    const buffer = this.#buffer;
    if (value < 0) {
      buffer[this.#at++] = 45;
      value = -value;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.#at + digits;
    this.#at = at;
    do {
      const next = Math.floor(value / 10);
      buffer[--at] = 48 + (value - next * 10);
      value = next;
    } while (value > 0);
  }

  /** `YYYY-MM-DD` + separator + `HH:MM:SS` of a millisecond timestamp (UTC). */
  timestamp(ms: number, separator: number): void {
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.#dayCached) {
      this.#dayCached = day;
      this.#dateCached = ascii(new Date(day * DAY_MS).toISOString().slice(0, 10));
    }
    this.bytes(this.#dateCached);
    const seconds = Math.floor((ms - day * DAY_MS) / 1000);
    const buffer = this.#buffer;
    let at = this.#at;
    buffer[at++] = separator;
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor(seconds / 60) % 60;
    const secs = seconds % 60;
    buffer[at++] = 48 + Math.floor(hours / 10);
    buffer[at++] = 48 + (hours % 10);
    buffer[at++] = 58;
    buffer[at++] = 48 + Math.floor(minutes / 10);
    buffer[at++] = 48 + (minutes % 10);
    buffer[at++] = 58;
    buffer[at++] = 48 + Math.floor(secs / 10);
    buffer[at++] = 48 + (secs % 10);
    this.#at = at;
  }
}

export const SPACE = 32;
export const T = 84;

export function countryOf(currency: number): string {
  return CURRENCY_BY_CODE.get(currency)?.country ?? 'unknown';
}

export interface TransactionFields {
  readonly id: string;
  readonly from: number;
  readonly to: number;
  readonly currency: number;
  readonly country: string;
  readonly type: string;
}

/**
 * The parts of a transaction message that do not change between the status
 * events of one operation, rendered once per operation (an operation has
 * three or four events), as views into a slab of their own. The operation
 * lets go of them after its final status, so a chargeback due hours later
 * does not pin the slab (it renders its parts again).
 */
export interface TransactionParts {
  /** `{"object_id": "<id>", "object_type": "TRANSACTION", "sent_dttm": "` */
  readonly head: Uint8Array;
  /** `", "payload": {"operation_id": "<id>", … "country": "<country>", "status": "` */
  readonly body: Uint8Array;
  /** `", "transaction_type": "<type>", "amount": ` */
  readonly tail: Uint8Array;
}

const PART = {
  objectId: ascii('{"object_id": "'),
  objectType: ascii('", "object_type": "TRANSACTION", "sent_dttm": "'),
  operationId: ascii('", "payload": {"operation_id": "'),
  from: ascii('", "account_number_from": '),
  to: ascii(', "account_number_to": '),
  currency: ascii(', "currency_code": '),
  country: ascii(', "country": "'),
  status: ascii('", "status": "'),
  type: ascii('", "transaction_type": "'),
  amount: ascii('", "amount": '),
};

const partsWriter = new AsciiWriter(64 * 1024);

export function transactionParts(op: TransactionFields): TransactionParts {
  const w = partsWriter;
  w.begin();
  w.bytes(PART.objectId);
  w.text(op.id);
  w.bytes(PART.objectType);
  const head = w.cut();
  w.bytes(PART.operationId);
  w.text(op.id);
  w.bytes(PART.from);
  w.int(op.from);
  w.bytes(PART.to);
  w.int(op.to);
  w.bytes(PART.currency);
  w.int(op.currency);
  w.bytes(PART.country);
  w.text(op.country);
  w.bytes(PART.status);
  const body = w.cut();
  w.bytes(PART.type);
  w.text(op.type);
  w.bytes(PART.amount);
  return { head, body, tail: w.cut() };
}

const STATUS = new Map(['queued', 'in_progress', 'blocked', 'done', 'chargeback'].map((s) => [s, ascii(s)]));
const TRANSACTION_DT = ascii(', "transaction_dt": "');
const TRANSACTION_END = ascii('"}}');

export function renderTransaction(w: AsciiWriter, parts: TransactionParts, status: string, amount: number, eventMs: number, sentMs: number, spaceInSent: boolean): Buffer {
  w.begin();
  w.bytes(parts.head);
  w.timestamp(sentMs, spaceInSent ? SPACE : T);
  w.bytes(parts.body);
  const statusBytes = STATUS.get(status);
  if (statusBytes) w.bytes(statusBytes);
  else w.text(status);
  w.bytes(parts.tail);
  w.int(amount);
  w.bytes(TRANSACTION_DT);
  w.timestamp(eventMs, SPACE);
  w.bytes(TRANSACTION_END);
  return w.end();
}

const CU = {
  objectId: ascii('{"object_id": "'),
  objectType: ascii('", "object_type": "CURRENCY", "sent_dttm": "'),
  dateUpdate: ascii('", "payload": {"date_update": "'),
  from: ascii(' 00:00:00", "currency_code": '),
  to: ascii(', "currency_code_with": '),
  rate: ascii(', "currency_with_div": '),
  end: ascii('}}'),
};

export function renderCurrency(w: AsciiWriter, id: string, date: string, sentMs: number, from: number, to: number, rate: number): Buffer {
  w.begin();
  w.bytes(CU.objectId);
  w.text(id);
  w.bytes(CU.objectType);
  w.timestamp(sentMs, T);
  w.bytes(CU.dateUpdate);
  w.text(date);
  w.bytes(CU.from);
  w.int(from);
  w.bytes(CU.to);
  w.int(to);
  w.bytes(CU.rate);
  w.text(String(rate));
  w.bytes(CU.end);
  return w.end();
}

/** A copy out of the slab, for messages held for a while (so they do not pin a whole slab). */
export function detached(view: Buffer): Buffer {
  return Buffer.from(view);
}
