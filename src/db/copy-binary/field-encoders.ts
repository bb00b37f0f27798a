import { CopyBinaryWriter } from './writer.js';

/**
 * Rows of typed values into COPY BINARY tuples: one encoder per column type,
 * chosen once per column (not per value), over the writer's field methods.
 */

/** The column types a COPY BINARY row can hold here (the warehouse's ColumnType is one of them each). */
export type CopyFieldType = 'uuid' | 'text' | 'int4' | 'int8' | 'numeric' | 'date' | 'timestamp' | 'timestamptz' | 'bytea';

/** A finite number or decimal string as plain digits, e.g. 0.0000001 -> "0.0000001". */
function decimalText(value: unknown): string {
  if (typeof value === 'string') return value;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new TypeError(`not a finite number: ${String(value)}`);
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** NUMERIC's binary form: base-10000 digit groups, weight, sign and display scale. */
function numericField(writer: CopyBinaryWriter, value: unknown): void {
  const text = decimalText(value);
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new TypeError(`not a decimal: ${text}`);
  const negative = m[1] === '-';
  const integer = (m[2] ?? '').replace(/^0+/, '');
  const fraction = m[3] ?? '';
  const dscale = fraction.length;
  const intPadded = integer.padStart(Math.ceil(integer.length / 4) * 4, '0');
  const fracPadded = fraction.padEnd(Math.ceil(fraction.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  let weight = groups.length - 1;
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  while (groups.length > 0 && groups[0] === 0) {
    groups.shift();
    weight -= 1;
  }
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups.pop();
  if (groups.length === 0) weight = 0;
  writer.int32(8 + groups.length * 2);
  writer.int16(groups.length);
  writer.int16(weight);
  writer.int16(negative && groups.length > 0 ? 0x4000 : 0);
  writer.int16(dscale);
  for (const group of groups) writer.int16(group);
}

export type FieldEncoder = (writer: CopyBinaryWriter, value: unknown) => void;

const ENCODERS: Readonly<Record<CopyFieldType, FieldEncoder>> = {
  text: (w, v) => w.textField(typeof v === 'string' ? v : String(v)),
  int4: (w, v) => w.int4Field(Number(v)),
  int8: (w, v) => w.int8Field(Number(v)),
  uuid: (w, v) => w.uuidField(v),
  date: (w, v) => w.dateField(v),
  timestamp: (w, v) => w.timestampField(v),
  timestamptz: (w, v) => w.timestampField(v),
  numeric: numericField,
  bytea: (w, v) => w.byteaField(v as Uint8Array),
};

/** Appends one row's fields, typed by `encoders` (from `fieldEncoders`). */
export function writeRow(writer: CopyBinaryWriter, encoders: readonly FieldEncoder[], row: readonly unknown[]): void {
  writer.tuple(encoders.length);
  for (let i = 0; i < encoders.length; i++) {
    const value = row[i];
    if (value === null || value === undefined) writer.nullField();
    else encoders[i]!(writer, value);
  }
}

export function fieldEncoders(types: readonly CopyFieldType[]): FieldEncoder[] {
  return types.map((type) => ENCODERS[type]);
}

/** The whole COPY BINARY stream (header, tuples, trailer) of the rows, and how many there were. */
export function copyBinary(types: readonly CopyFieldType[], rows: Iterable<readonly unknown[]>, sizeHint = 1 << 16): { data: Buffer; count: number } {
  const encoders = fieldEncoders(types);
  const writer = new CopyBinaryWriter(sizeHint);
  writer.header();
  let count = 0;
  for (const row of rows) {
    writeRow(writer, encoders, row);
    count += 1;
  }
  writer.trailer();
  return { data: writer.result(), count };
}
