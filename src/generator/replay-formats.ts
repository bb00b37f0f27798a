import { UsageError } from '../errors.js';
import { rateObjectId } from './rates.js';

/**
 * The files `turnover replay` reads, recognised by their first line:
 * a `.jsonl` feed (one message value per line), or one of the feed's CSV
 * exports, whose header names the columns (order does not matter):
 * transactions (`operation_id,…,transaction_dt`) or rates (`date_update`,
 * `currency_code`, `currency_code_with`, `currency_with_div`; the sample export
 * starts with `date_update`, the history export with `currency_code`).
 *
 * CSV rows become envelopes as the live feed writes them (docs/generator.md).
 * Replay converts, it does not validate: a cell that is not a number is
 * written as a JSON string, so the STG load rejects it with a reason instead
 * of replay stopping.
 */
export type ReplayFormat = 'jsonl' | 'transactions-csv' | 'currencies-csv';

export const TRANSACTION_COLUMNS = ['operation_id', 'account_number_from', 'account_number_to', 'currency_code', 'country', 'status', 'transaction_type', 'amount', 'transaction_dt'] as const;
export const CURRENCY_COLUMNS = ['date_update', 'currency_code', 'currency_code_with', 'currency_with_div'] as const;

export interface DetectedFormat {
  readonly format: ReplayFormat;
  /** Column name → index, for CSV. */
  readonly columns: ReadonlyMap<string, number>;
}

/** RFC 4180 fields of one line (quotes and doubled quotes; the exports use none). */
export function csvFields(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}

export function detectFormat(path: string, firstLine: string): DetectedFormat {
  const text = firstLine.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('{')) return { format: 'jsonl', columns: new Map() };
  const header = csvFields(text).map((name) => name.trim().toLowerCase());
  const columns = new Map(header.map((name, i) => [name, i]));
  if (TRANSACTION_COLUMNS.every((c) => columns.has(c))) return { format: 'transactions-csv', columns };
  if (CURRENCY_COLUMNS.every((c) => columns.has(c))) return { format: 'currencies-csv', columns };
  throw new UsageError(
    `cannot tell the format of ${path}: the first line is neither a JSON message nor a feed CSV header `
      + `(${TRANSACTION_COLUMNS.join(',')} or ${CURRENCY_COLUMNS.join(',')}); got "${text.slice(0, 100)}"`,
  );
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** A JSON number when the cell is one, else the cell as a JSON string (to be rejected downstream, not here). */
function numberOrString(cell: string, pattern: RegExp): string {
  const trimmed = cell.trim();
  return pattern.test(trimmed) ? String(Number(trimmed)) : JSON.stringify(cell);
}

/** The export writes `.000` milliseconds; the feed's messages have whole seconds. */
function feedTimestamp(cell: string): string {
  return cell.trim().replace(/\.0+$/, '');
}

function cell(fields: readonly string[], columns: ReadonlyMap<string, number>, name: string): string {
  return fields[columns.get(name)!] ?? '';
}

export interface ConvertedMessage {
  readonly key: string | null;
  readonly value: string;
}

/**
 * object_id = operation_id (the feed's rule); sent_dttm = transaction_dt in the
 * feed's `T` spelling (the live feed sends each event when it happens).
 */
export function transactionFromCsv(fields: readonly string[], columns: ReadonlyMap<string, number>): ConvertedMessage {
  const get = (name: string) => cell(fields, columns, name);
  const id = get('operation_id').trim();
  const dt = feedTimestamp(get('transaction_dt'));
  const value =
    `{"object_id": ${JSON.stringify(id)}, "object_type": "TRANSACTION", "sent_dttm": ${JSON.stringify(dt.replace(' ', 'T'))}, "payload": {`
    + `"operation_id": ${JSON.stringify(id)}, "account_number_from": ${numberOrString(get('account_number_from'), INTEGER)}, `
    + `"account_number_to": ${numberOrString(get('account_number_to'), INTEGER)}, "currency_code": ${numberOrString(get('currency_code'), INTEGER)}, `
    + `"country": ${JSON.stringify(get('country'))}, "status": ${JSON.stringify(get('status'))}, "transaction_type": ${JSON.stringify(get('transaction_type'))}, `
    + `"amount": ${numberOrString(get('amount'), INTEGER)}, "transaction_dt": ${JSON.stringify(dt)}}}`;
  return { key: id || null, value };
}

/**
 * object_id = the name-based UUID of (date, pair) that the generator also
 * uses, so the same rate always has the same id; sent_dttm = midnight of
 * date_update, as in the live feed; date_update = the cell's date at 00:00:00.
 */
export function currencyFromCsv(fields: readonly string[], columns: ReadonlyMap<string, number>): ConvertedMessage {
  const get = (name: string) => cell(fields, columns, name);
  const date = get('date_update').trim().slice(0, 10);
  const from = get('currency_code').trim();
  const to = get('currency_code_with').trim();
  const id = rateObjectId(date, Number(from), Number(to));
  const value =
    `{"object_id": "${id}", "object_type": "CURRENCY", "sent_dttm": ${JSON.stringify(`${date}T00:00:00`)}, "payload": {`
    + `"date_update": ${JSON.stringify(`${date} 00:00:00`)}, "currency_code": ${numberOrString(from, INTEGER)}, `
    + `"currency_code_with": ${numberOrString(to, INTEGER)}, "currency_with_div": ${numberOrString(get('currency_with_div'), NUMBER)}}}`;
  return { key: id, value };
}

const OBJECT_ID = /"object_id"\s*:\s*"([^"\\]{1,100})"/;

/** The object_id of a .jsonl line, for the Kafka key; null when the line has none. */
export function objectIdOf(line: Buffer): string | null {
  return OBJECT_ID.exec(line.subarray(0, 256).toString('latin1'))?.[1] ?? null;
}
