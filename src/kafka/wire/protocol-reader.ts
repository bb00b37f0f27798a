const TWO_32 = 4_294_967_296;

/** A response that does not parse: the connection is unusable after it. */
export class MalformedResponseError extends Error {}

/**
 * Reads the primitive types of Kafka's protocol from a response frame, the
 * counterpart of ProtocolWriter. `bytes` returns views of the frame (never
 * copies): fetched record batches stay slices of the socket's buffer.
 */
export class ProtocolReader {
  at: number;

  constructor(
    readonly buffer: Buffer,
    readonly flexible: boolean,
    start = 0,
  ) {
    this.at = start;
  }

  #need(bytes: number): void {
    if (this.at + bytes > this.buffer.length) throw new MalformedResponseError(`response ends at byte ${this.buffer.length}, wanted ${bytes} more at ${this.at}`);
  }

  int8(): number {
    this.#need(1);
    return this.buffer.readInt8(this.at++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.#need(2);
    const value = this.buffer.readInt16BE(this.at);
    this.at += 2;
    return value;
  }

  int32(): number {
    this.#need(4);
    const value = this.buffer.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  /** int64 as a number: exact for offsets (< 2^53); -1 stays -1. */
  int64(): number {
    this.#need(8);
    const value = this.buffer.readInt32BE(this.at) * TWO_32 + this.buffer.readUInt32BE(this.at + 4);
    this.at += 8;
    return value;
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.#need(1);
      const byte = this.buffer[this.at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new MalformedResponseError('unsigned varint longer than 5 bytes');
  }

  /** Length of what follows; -1 = null. */
  #length(wide: boolean): number {
    if (this.flexible) return this.uvarint() - 1;
    return wide ? this.int32() : this.int16();
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new MalformedResponseError('null where a string is required');
    return value;
  }

  nullableString(): string | null {
    const length = this.#length(false);
    if (length < 0) return null;
    this.#need(length);
    const value = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  /** A view of the bytes; null = null. */
  bytes(): Buffer | null {
    const length = this.#length(true);
    if (length < 0) return null;
    this.#need(length);
    const value = this.buffer.subarray(this.at, this.at + length);
    this.at += length;
    return value;
  }

  /** A topic id as 32 lower-case hex digits. */
  uuid(): string {
    this.#need(16);
    const value = this.buffer.toString('hex', this.at, this.at + 16);
    this.at += 16;
    return value;
  }

  array<T>(read: () => T): T[] {
    const length = this.#length(true);
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(read());
    return items;
  }

  /** Tagged fields we do not read are skipped by their length. */
  tags(read?: (tag: number, reader: ProtocolReader, size: number) => void): void {
    if (!this.flexible) return;
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      this.#need(size);
      const end = this.at + size;
      if (read) read(tag, this, size);
      this.at = end;
    }
  }
}
