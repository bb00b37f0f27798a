import type { ColumnType } from '../warehouse.js';

/**
 * Rows in the text form our Vertica COPY statements declare: tab-separated,
 * every non-null string enclosed in double quotes (so an empty string is not
 * NULL), backslash as the escape character (an escaped character is taken
 * literally), NULL as an empty field, bytes as hex (`FORMAT 'hex'`).
 */
export function verticaCopyLine(types: readonly (ColumnType | undefined)[], row: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += '\t';
    line += verticaCopyValue(types[i], row[i]);
  }
  return `${line}\n`;
}

const SPECIAL = /[\\"\t\n\r]/g;

function timestampText(value: Date): string {
  return value.toISOString().replace('T', ' ').replace('Z', '+00');
}

export function verticaCopyValue(type: ColumnType | undefined, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (type === 'bytea' || Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value as Uint8Array).toString('hex');
  if (value instanceof Date) return timestampText(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replace(SPECIAL, (c) => `\\${c}`)}"`;
}
