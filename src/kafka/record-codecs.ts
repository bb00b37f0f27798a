import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

/**
 * Decompression of a record batch's records, by the codec in its attributes
 * (https://kafka.apache.org/documentation/#recordbatch): gzip with Node's
 * zlib; snappy (xerial framing or raw, as Kafka's SnappyInputStream reads
 * it) with the pure-JS `snappyjs`; LZ4 frames with our own bounded decoder;
 * zstd with the pure-JS `fzstd`. The libraries load on first use: a feed
 * without compression never pays for them.
 */

export const CODEC_NAMES = Object.freeze(['none', 'gzip', 'snappy', 'lz4', 'zstd']);

/** Largest decompressed batch we accept (the broker accepted it, but our memory is bounded). */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export class DecompressionError extends Error {}

const require = createRequire(import.meta.url);

export function isKnownCodec(codec: number): boolean {
  return codec >= 1 && codec < CODEC_NAMES.length;
}

/** The records of a compressed batch; throws DecompressionError when the bytes do not decode. */
export function decompress(codec: number, data: Uint8Array): Buffer {
  let out: Uint8Array;
  try {
    if (codec === 1) out = gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    else if (codec === 2) out = snappy(data);
    else if (codec === 3) out = lz4Frame(data);
    else if (codec === 4) out = (require('fzstd') as typeof import('fzstd')).decompress(data);
    else throw new DecompressionError(`unknown compression codec ${codec}`);
  } catch (error) {
    if (error instanceof DecompressionError) throw error;
    throw new DecompressionError(`${CODEC_NAMES[codec] ?? codec} data does not decode: ${(error as Error).message}`);
  }
  if (out.length > MAX_DECOMPRESSED_BYTES) throw new DecompressionError(`decompresses to more than ${MAX_DECOMPRESSED_BYTES} bytes`);
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function snappy(data: Uint8Array): Uint8Array {
  const { uncompress } = require('snappyjs') as typeof import('snappyjs');
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < 16 || bytes.compare(XERIAL_MAGIC, 0, 8, 0, 8) !== 0) return uncompress(bytes, MAX_DECOMPRESSED_BYTES);
  // xerial framing: magic, version, compatible version, then (int32 length, raw snappy block)*
  const blocks: Uint8Array[] = [];
  let total = 0;
  for (let at = 16; at < bytes.length; ) {
    if (at + 4 > bytes.length) throw new DecompressionError('truncated snappy block length');
    const length = bytes.readInt32BE(at);
    if (length < 0 || at + 4 + length > bytes.length) throw new DecompressionError('snappy block runs past the data');
    const block = uncompress(bytes.subarray(at + 4, at + 4 + length), MAX_DECOMPRESSED_BYTES - total);
    blocks.push(block);
    total += block.length;
    at += 4 + length;
  }
  return Buffer.concat(blocks, total);
}

const LZ4_MAGIC = 0x184d2204;

/** An LZ4 frame (the format Kafka writes for magic 2), every length checked against the data. */
function lz4Frame(data: Uint8Array): Uint8Array {
  const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (src.length < 7 || src.readUInt32LE(0) !== LZ4_MAGIC) throw new DecompressionError('not an LZ4 frame');
  const flags = src[4]!;
  if (flags >> 6 !== 1) throw new DecompressionError('unknown LZ4 frame version');
  const blockChecksum = (flags & 0x10) !== 0;
  let at = 6 + ((flags & 0x08) !== 0 ? 8 : 0) + ((flags & 0x01) !== 0 ? 4 : 0) + 1;
  let out = Buffer.allocUnsafe(Math.min(MAX_DECOMPRESSED_BYTES, Math.max(1024, src.length * 4)));
  let length = 0;
  const room = (extra: number) => {
    if (length + extra <= out.length) return;
    const wanted = Math.max(out.length * 2, length + extra);
    if (wanted > MAX_DECOMPRESSED_BYTES) throw new DecompressionError(`decompresses to more than ${MAX_DECOMPRESSED_BYTES} bytes`);
    const grown = Buffer.allocUnsafe(wanted);
    out.copy(grown, 0, 0, length);
    out = grown;
  };
  for (;;) {
    if (at + 4 > src.length) throw new DecompressionError('truncated LZ4 frame');
    const word = src.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (at + size > src.length) throw new DecompressionError('LZ4 block runs past the data');
    if (word & 0x80000000) {
      room(size);
      src.copy(out, length, at, at + size);
      length += size;
    } else {
      let p = at;
      const end = at + size;
      while (p < end) {
        const token = src[p++]!;
        let literals = token >> 4;
        if (literals === 15) {
          let byte;
          do {
            if (p >= end) throw new DecompressionError('truncated LZ4 literal length');
            byte = src[p++]!;
            literals += byte;
          } while (byte === 255);
        }
        if (p + literals > end) throw new DecompressionError('LZ4 literals run past the block');
        room(literals);
        src.copy(out, length, p, p + literals);
        length += literals;
        p += literals;
        if (p === end) break; // the last sequence has literals only
        if (p + 2 > end) throw new DecompressionError('truncated LZ4 match offset');
        const distance = src[p]! | (src[p + 1]! << 8);
        p += 2;
        let match = (token & 15) + 4;
        if ((token & 15) === 15) {
          let byte;
          do {
            if (p >= end) throw new DecompressionError('truncated LZ4 match length');
            byte = src[p++]!;
            match += byte;
          } while (byte === 255);
        }
        if (distance === 0 || distance > length) throw new DecompressionError('LZ4 match before the start of the data');
        room(match);
        // overlapping copies repeat the last bytes: byte by byte when they overlap
        if (distance >= match) out.copy(out, length, length - distance, length - distance + match);
        else for (let i = 0; i < match; i++) out[length + i] = out[length - distance + i]!;
        length += match;
      }
    }
    at += size + (blockChecksum ? 4 : 0);
  }
  return out.subarray(0, length);
}
