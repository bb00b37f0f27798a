import { crc32c } from './crc32c.js';
import { CODEC_NAMES, decompress, DecompressionError, isKnownCodec } from './record-codecs.js';

/**
 * Reads Kafka's record batches (format v2, magic 2:
 * https://kafka.apache.org/documentation/#recordbatch) in place, as a cursor:
 * no object per record, every field a position and a length in `data` (the
 * fetch response itself, or the decompressed records of a compressed batch).
 *
 * batch:  baseOffset i64 | length i32 | leaderEpoch i32 | magic i8 | crc u32 |
 *         attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 |
 *         maxTimestamp i64 | producerId i64 | producerEpoch i16 |
 *         baseSequence i32 | count i32 | records (compressed as a whole)
 * record: length varint | attributes i8 | timestampDelta varlong |
 *         offsetDelta varint | key (varint length, -1 = null) | value (same) |
 *         header count varint | headers (name: varint length + bytes,
 *         value: varint length + bytes, -1 = null)
 *
 * What is skipped, as a read_committed consumer must: control batches
 * (transaction markers) and the batches of aborted transactions. What cannot
 * be read is reported per batch in `problem` (a CRC-32C that does not match,
 * an unknown codec, a legacy message set, records that do not parse), never
 * thrown: the caller quarantines the batch's bytes and moves past it.
 */

export type BatchProblem = 'corrupt_batch' | 'unsupported_compression' | 'unsupported_format';

export interface AbortedTransactionRef {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

const HEADER_BYTES = 61;
const LOG_OVERHEAD = 12;
const TWO_32 = 4_294_967_296;
const ATTR_CODEC = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

export class RecordBatchReader {
  /** Bytes of the current batch in the fetched buffer. */
  batchStart = 0;
  batchEnd = 0;
  baseOffset = 0;
  lastOffset = -1;
  /** Set when the current batch cannot be read; `problemDetail` says why. */
  problem: BatchProblem | undefined;
  problemDetail = '';
  /** The current batch holds nothing to land (a transaction marker, an aborted transaction). */
  skipped = false;

  /** The buffer the current record's positions refer to. */
  data: Buffer;
  offset = -1;
  /** The record's timestamp (ms since the epoch) as a signed int64: high and unsigned low 32 bits. */
  timestampHigh = 0;
  timestampLow = 0;
  keyStart = 0;
  keyLength = -1;
  valueStart = 0;
  valueLength = -1;
  headerCount = 0;
  /** The current header (after nextHeader()); name and value length -1 = null. */
  headerNameStart = 0;
  headerNameLength = -1;
  headerValueStart = 0;
  headerValueLength = -1;

  readonly #fetched: Buffer;
  readonly #from: number;
  readonly #aborted: readonly AbortedTransactionRef[];
  #abortedAt = 0;
  readonly #abortedProducers = new Set<bigint>();
  #next = 0;
  #nextOffset: number;
  // the current batch's records
  #at = 0;
  #end = 0;
  #recordsLeft = 0;
  #baseHigh = 0;
  #baseLow = 0;
  #logAppendTime = false;
  #maxHigh = 0;
  #maxLow = 0;
  // the current record
  #recordEnd = 0;
  #headersLeft = 0;

  /**
   * @param fetched the record batches of one partition from a fetch (may end with a partial batch)
   * @param from records below this offset are not returned (a fetch answers from the start of the batch that holds it)
   */
  constructor(fetched: Buffer, from: number, aborted: readonly AbortedTransactionRef[] = []) {
    this.#fetched = fetched;
    this.data = fetched;
    this.#from = from;
    this.#nextOffset = from;
    this.#aborted = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  /** Where the next fetch continues: after the last whole batch read so far. */
  get nextOffset(): number {
    return this.#nextOffset;
  }

  /** Moves to the next whole batch; false when none is left (a partial batch at the end is left for the next fetch). */
  nextBatch(): boolean {
    const b = this.#fetched;
    const start = this.#next;
    if (start + LOG_OVERHEAD > b.length) return false;
    const length = b.readInt32BE(start + 8);
    const end = start + LOG_OVERHEAD + length;
    if (length < 0 || end > b.length) return false;
    this.#next = end;
    this.batchStart = start;
    this.batchEnd = end;
    this.baseOffset = int64(b, start);
    this.problem = undefined;
    this.problemDetail = '';
    this.skipped = false;
    this.data = b;
    this.#recordsLeft = 0;
    this.#at = this.#end = this.#recordEnd = end;

    const magic = length >= 5 ? b.readInt8(start + 16) : -1;
    if (magic !== 2) {
      // a legacy message set (magic 0 or 1) keeps its (last) offset where a batch keeps its base offset
      this.lastOffset = this.baseOffset;
      this.#nextOffset = Math.max(this.#nextOffset, this.lastOffset + 1);
      return this.#fail('unsupported_format', `message format v${magic} (this reader reads v2 only)`);
    }
    if (length < HEADER_BYTES - LOG_OVERHEAD) {
      this.lastOffset = this.baseOffset;
      this.#nextOffset = Math.max(this.#nextOffset, this.lastOffset + 1);
      return this.#fail('corrupt_batch', `a batch of ${length} bytes is shorter than its header`);
    }
    const attributes = b.readInt16BE(start + 21);
    this.lastOffset = this.baseOffset + b.readInt32BE(start + 23);
    this.#nextOffset = Math.max(this.#nextOffset, this.lastOffset + 1);
    if (this.lastOffset < this.#from) {
      this.skipped = true; // all of it is below the fetch position: landed before
      return true;
    }
    if (this.#isAbortedOrControl(attributes, start)) {
      this.skipped = true;
      return true;
    }
    const stored = b.readUInt32BE(start + 17);
    const computed = crc32c(b, start + 21, end);
    if (stored !== computed) return this.#fail('corrupt_batch', `CRC-32C mismatch: the batch says ${hex(stored)}, its bytes give ${hex(computed)}`);

    this.#baseHigh = b.readInt32BE(start + 27);
    this.#baseLow = b.readUInt32BE(start + 31);
    this.#logAppendTime = (attributes & ATTR_LOG_APPEND_TIME) !== 0;
    this.#maxHigh = b.readInt32BE(start + 35);
    this.#maxLow = b.readUInt32BE(start + 39);
    this.#recordsLeft = b.readInt32BE(start + 57);
    this.#at = this.#recordEnd = start + HEADER_BYTES;
    const codec = attributes & ATTR_CODEC;
    if (codec !== 0) {
      if (!isKnownCodec(codec)) return this.#fail('unsupported_compression', `compression codec ${codec} is not one of ${CODEC_NAMES.join(', ')}`);
      try {
        this.data = decompress(codec, b.subarray(start + HEADER_BYTES, end));
      } catch (error) {
        if (!(error instanceof DecompressionError)) throw error;
        return this.#fail('corrupt_batch', error.message);
      }
      this.#at = this.#recordEnd = 0;
      this.#end = this.data.length;
    }
    return true;
  }

  /**
   * read_committed (Java's CompletedFetch does the same): an aborted
   * transaction's producer is remembered from its first offset until its
   * abort marker; its transactional batches in between are skipped. Control
   * batches (markers) are never records.
   */
  #isAbortedOrControl(attributes: number, start: number): boolean {
    const control = (attributes & ATTR_CONTROL) !== 0;
    const transactional = (attributes & ATTR_TRANSACTIONAL) !== 0;
    if (!control && !transactional) return false;
    const b = this.#fetched;
    const producerId = b.readBigInt64BE(start + 43);
    while (this.#abortedAt < this.#aborted.length && this.#aborted[this.#abortedAt]!.firstOffset <= this.lastOffset) {
      this.#abortedProducers.add(this.#aborted[this.#abortedAt++]!.producerId);
    }
    if (control) {
      // the marker's key is (version i16, type i16); type 0 = abort
      if (this.#controlType(start) === 0) this.#abortedProducers.delete(producerId);
      return true;
    }
    return this.#abortedProducers.has(producerId);
  }

  #controlType(start: number): number {
    const b = this.#fetched;
    this.#at = start + HEADER_BYTES;
    this.#end = this.batchEnd;
    try {
      this.#varint(); // length
      this.#at += 1; // attributes
      this.#varint(); // timestamp delta
      this.#varint(); // offset delta
      const keyLength = this.#varint();
      return keyLength >= 4 && this.#at + 4 <= this.#end ? b.readInt16BE(this.#at + 2) : -1;
    } catch {
      return -1;
    } finally {
      this.#at = this.#end = this.batchEnd;
    }
  }

  /** Moves to the next record of the batch at or after `from`; false at the end of the batch (or on a problem). */
  nextRecord(): boolean {
    while (this.#recordsLeft > 0 && this.problem === undefined) {
      this.#recordsLeft -= 1;
      this.#at = this.#recordEnd; // whatever the caller read of the previous record's headers
      try {
        const length = this.#varint();
        const start = this.#at;
        this.#recordEnd = start + length;
        if (length < 0 || this.#recordEnd > this.#end) return this.#fail('corrupt_batch', `record of ${length} bytes runs past its batch`) && false;
        this.#at += 1; // attributes
        const timestampDelta = this.#varlong();
        this.offset = this.baseOffset + this.#varint();
        this.keyLength = this.#varint();
        this.keyStart = this.#at;
        this.#skipBytes(this.keyLength);
        this.valueLength = this.#varint();
        this.valueStart = this.#at;
        this.#skipBytes(this.valueLength);
        this.headerCount = this.#varint();
        this.#headersLeft = this.headerCount;
        if (this.headerCount < 0 || (this.headerCount === 0 && this.#at !== this.#recordEnd)) {
          return this.#fail('corrupt_batch', `record at offset ${this.offset} does not end where its length says`) && false;
        }
        if (this.offset < this.#from) continue;
        this.#setTimestamp(timestampDelta);
        return true;
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        return this.#fail('corrupt_batch', error.message) && false;
      }
    }
    this.#at = this.#recordEnd;
    if (this.problem === undefined && this.#at !== this.#end) this.#fail('corrupt_batch', `${this.#end - this.#at} bytes after the batch's last record`);
    return false;
  }

  /** Moves to the next header of the current record; false after the last (or on a problem). */
  nextHeader(): boolean {
    if (this.#headersLeft === 0 || this.problem !== undefined) return false;
    try {
      this.headerNameLength = this.#varint();
      this.headerNameStart = this.#at;
      this.#skipBytes(this.headerNameLength);
      this.headerValueLength = this.#varint();
      this.headerValueStart = this.#at;
      this.#skipBytes(this.headerValueLength);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return this.#fail('corrupt_batch', error.message) && false;
    }
    this.#headersLeft -= 1;
    if (this.#headersLeft === 0 && this.#at !== this.#recordEnd) return this.#fail('corrupt_batch', `record at offset ${this.offset} does not end where its length says`) && false;
    return true;
  }

  #setTimestamp(delta: number | bigint): void {
    if (this.#logAppendTime) {
      this.timestampHigh = this.#maxHigh;
      this.timestampLow = this.#maxLow;
    } else if (typeof delta === 'number') {
      let low = this.#baseLow + delta;
      const carry = Math.floor(low / TWO_32);
      low -= carry * TWO_32;
      this.timestampHigh = (this.#baseHigh + carry) | 0;
      this.timestampLow = low;
    } else {
      const value = BigInt.asIntN(64, ((BigInt(this.#baseHigh) << 32n) | BigInt(this.#baseLow)) + delta);
      this.timestampHigh = Number(value >> 32n);
      this.timestampLow = Number(value & 0xffffffffn);
    }
  }

  #fail(problem: BatchProblem, detail: string): true {
    this.problem = problem;
    this.problemDetail = detail;
    this.#recordsLeft = 0;
    return true;
  }

  #skipBytes(length: number): void {
    if (length < -1) throw new RangeError(`negative length ${length}`);
    if (length > 0) {
      if (this.#at + length > this.#recordEnd) throw new RangeError(`a field of ${length} bytes runs past its record at offset ${this.offset}`);
      this.#at += length;
    }
  }

  /** A zigzag varint (int32 range). */
  #varint(): number {
    const d = this.data;
    let at = this.#at;
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= this.#end) throw new RangeError('a varint runs past its batch');
      const byte = d[at++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
      if (shift > 28) throw new RangeError('a varint longer than 5 bytes');
    }
    this.#at = at;
    return (value >>> 1) ^ -(value & 1);
  }

  /** A zigzag varlong: a number when exact (< 2^49 in magnitude), else a bigint. */
  #varlong(): number | bigint {
    const d = this.data;
    let at = this.#at;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (at >= this.#end) throw new RangeError('a varlong runs past its batch');
      const byte = d[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.#at = at;
        return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      }
      scale *= 128;
    }
    // longer than 7 bytes: redo it exactly
    let big = 0n;
    at = this.#at;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= this.#end) throw new RangeError('a varlong runs past its batch');
      const byte = d[at++]!;
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.#at = at;
        return (big >> 1n) ^ -(big & 1n);
      }
    }
    throw new RangeError('a varlong longer than 10 bytes');
  }
}

function int64(b: Buffer, at: number): number {
  return b.readInt32BE(at) * TWO_32 + b.readUInt32BE(at + 4);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Where a fetch of `from` continues, from the batch headers alone (no CRC,
 * no records): after the last whole batch, how many bytes the whole batches
 * take (a fetch may end with part of a batch), and how many records they say
 * they hold.
 */
export function scanBatches(fetched: Buffer, from: number): { readonly nextOffset: number; readonly wholeBytes: number; readonly records: number } {
  let at = 0;
  let next = from;
  let records = 0;
  while (at + LOG_OVERHEAD <= fetched.length) {
    const length = fetched.readInt32BE(at + 8);
    if (length < 0 || at + LOG_OVERHEAD + length > fetched.length) break;
    const base = int64(fetched, at);
    const magic = length >= 5 ? fetched.readInt8(at + 16) : -1;
    const v2 = magic === 2 && length >= HEADER_BYTES - LOG_OVERHEAD;
    const last = v2 ? base + fetched.readInt32BE(at + 23) : base;
    if (v2) records += Math.max(0, fetched.readInt32BE(at + 57));
    next = Math.max(next, last + 1);
    at += LOG_OVERHEAD + length;
  }
  return { nextOffset: next, wholeBytes: at, records };
}
