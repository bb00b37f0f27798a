/**
 * Writes the primitive types of Kafka's protocol
 * (https://kafka.apache.org/protocol#protocol_types) into a growing buffer.
 * Requests are small (a fetch request is a few hundred bytes), so clarity
 * wins over speed here. `flexible` versions (KIP-482) use compact lengths
 * (unsigned varint of length + 1) and end every structure with tagged
 * fields, of which we never send any.
 */
export class ProtocolWriter {
  #buffer = Buffer.allocUnsafe(256);
  #at = 0;

  constructor(readonly flexible: boolean) {}

  #ensure(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(grown, 0, 0, this.#at);
    this.#buffer = grown;
  }

  int8(value: number): this {
    this.#ensure(1);
    this.#buffer.writeInt8(value, this.#at);
    this.#at += 1;
    return this;
  }

  int16(value: number): this {
    this.#ensure(2);
    this.#buffer.writeInt16BE(value, this.#at);
    this.#at += 2;
    return this;
  }

  int32(value: number): this {
    this.#ensure(4);
    this.#buffer.writeInt32BE(value, this.#at);
    this.#at += 4;
    return this;
  }

  /** A safe integer (offsets, timestamps) as int64. */
  int64(value: number | bigint): this {
    this.#ensure(8);
    this.#buffer.writeBigInt64BE(BigInt(value), this.#at);
    this.#at += 8;
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  uvarint(value: number): this {
    this.#ensure(5);
    while (value >= 0x80) {
      this.#buffer[this.#at++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.#buffer[this.#at++] = value;
    return this;
  }

  /** Length of an array or string that follows: compact (n + 1, 0 = null) or int32/int16 by `wide`. */
  #length(length: number, wide: boolean): this {
    if (this.flexible) return this.uvarint(length + 1);
    return wide ? this.int32(length) : this.int16(length);
  }

  string(value: string | null): this {
    if (value === null) return this.#length(-1, false);
    const bytes = Buffer.from(value, 'utf8');
    this.#length(bytes.length, false);
    return this.raw(bytes);
  }

  bytes(value: Buffer | null): this {
    if (value === null) return this.#length(-1, true);
    this.#length(value.length, true);
    return this.raw(value);
  }

  /** A topic id (UUID) from its 32 hex digits. */
  uuid(hex: string): this {
    return this.raw(Buffer.from(hex.replaceAll('-', ''), 'hex'));
  }

  array<T>(items: readonly T[] | null, write: (item: T) => void): this {
    if (items === null) return this.#length(-1, true);
    this.#length(items.length, true);
    for (const item of items) write(item);
    return this;
  }

  /** The (empty) tagged-field section that ends a structure in flexible versions. */
  tags(): this {
    return this.flexible ? this.uvarint(0) : this;
  }

  raw(bytes: Uint8Array): this {
    this.#ensure(bytes.length);
    this.#buffer.set(bytes, this.#at);
    this.#at += bytes.length;
    return this;
  }

  get length(): number {
    return this.#at;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytesWritten(): Buffer {
    return this.#buffer.subarray(0, this.#at);
  }
}
