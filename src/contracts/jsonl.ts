import { createReadStream } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * Reads a `.jsonl` feed file (one Kafka message value per line) as raw bytes,
 * streaming: the file is never held whole. Lines end at LF; a CR before the
 * LF belongs to the line ending and is dropped; empty lines are skipped (and
 * counted). Bytes are not decoded here, so invalid UTF-8 reaches the parser
 * as it is in the file.
 */
export interface JsonlBatch {
  /** Line number (1-based) of the first entry of `values`. */
  readonly lineNumbers: readonly number[];
  readonly values: readonly Buffer[];
  /** Blank lines seen since the previous batch. */
  readonly blank: number;
}

const LF = 0x0a;
const CR = 0x0d;

export interface ReadJsonlOptions {
  readonly signal?: AbortSignal;
  /** Bytes per read; 1 MiB by default. */
  readonly chunkSize?: number;
}

/** Batches of lines, one per chunk read, each value a view into the chunk (no copy). */
export async function* readJsonl(path: string, options: ReadJsonlOptions = {}): AsyncGenerator<JsonlBatch> {
  const stream = createReadStream(path, { highWaterMark: options.chunkSize ?? 1 << 20, ...(options.signal ? { signal: options.signal } : {}) });
  let carry: Buffer | undefined;
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const values: Buffer[] = [];
      const lineNumbers: number[] = [];
      let blank = 0;
      let start = 0;
      let end = chunk.indexOf(LF, start);
      while (end !== -1) {
        let value = carry ? Buffer.concat([carry, chunk.subarray(start, end)]) : chunk.subarray(start, end);
        carry = undefined;
        line++;
        if (value.length > 0 && value[value.length - 1] === CR) value = value.subarray(0, value.length - 1);
        if (value.length === 0) blank++;
        else {
          values.push(value);
          lineNumbers.push(line);
        }
        start = end + 1;
        end = chunk.indexOf(LF, start);
      }
      if (start < chunk.length) carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : chunk.subarray(start);
      yield { values, lineNumbers, blank };
    }
  } catch (error) {
    throw asInputError(path, error);
  }
  if (carry && carry.length > 0) {
    line++;
    const value = carry[carry.length - 1] === CR ? carry.subarray(0, carry.length - 1) : carry;
    yield value.length > 0 ? { values: [value], lineNumbers: [line], blank: 0 } : { values: [], lineNumbers: [], blank: 1 };
  }
}

/** A missing or unreadable input file is a usage problem: one clear line, exit 2. */
export function asInputError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new UsageError(`cannot read ${path}: no such file`);
  if (code === 'EISDIR') return new UsageError(`cannot read ${path}: it is a directory`);
  if (code === 'EACCES') return new UsageError(`cannot read ${path}: permission denied`);
  return error;
}
