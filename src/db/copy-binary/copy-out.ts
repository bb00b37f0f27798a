import { TurnoverError } from '../../errors.js';
import type { BufferSource } from './buffer-source.js';

/**
 * `COPY … TO STDOUT` collected straight into one Buffer, as a `pg`
 * submittable (`client.query(new CopyOut(sql))`). It takes over the
 * connection's socket for the COPY's data exactly as pg-copy-streams'
 * copy-to does (same attach/detach protocol), but appends each CopyData
 * payload to the output instead of building a stream chunk of Buffers per
 * socket read: the landing read is one copy of the bytes, not three.
 * Whatever follows CopyDone (or an ErrorResponse) goes back to pg's own
 * parser, which then calls handleCommandComplete/handleError/
 * handleReadyForQuery here.
 */

/** The slice of pg's Connection this uses (the same as pg-copy-streams). */
interface PgConnection {
  readonly stream: NodeJS.ReadableStream & { read(): Buffer | null };
  query(text: string): void;
}

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'
const HEADER = 5;

export class CopyOut {
  readonly result: Promise<{ data: Buffer; rowCount: number }>;
  #resolve!: (value: { data: Buffer; rowCount: number }) => void;
  #reject!: (error: Error) => void;
  #out: Buffer;
  #length = 0;
  #rowCount = -1;
  #failed: Error | undefined;
  /** Bytes of a message header split across socket reads. */
  #partial: Buffer | null = null;
  /** The message being read: its type, and how many of its payload bytes are still to come (-1: none started). */
  #code = 0;
  #remaining = -1;
  #connection: PgConnection | undefined;
  #pgListener: ((chunk: Buffer) => void) | undefined;
  readonly #onReadable = (): void => this.#drain();

  constructor(
    readonly text: string,
    private readonly buffers: BufferSource,
    sizeHint = 1 << 20,
  ) {
    this.#out = buffers.take(Math.max(sizeHint, 1 << 12));
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.result.catch(() => undefined); // the caller awaits it; a failure is theirs to see
  }

  submit(connection: PgConnection): void {
    const stream = connection.stream;
    const listeners = stream.listeners('data') as ((chunk: Buffer) => void)[];
    if (listeners.length !== 1) throw new TurnoverError('INTERNAL', `COPY TO STDOUT expects one data listener on pg's socket, found ${listeners.length}`);
    this.#connection = connection;
    this.#pgListener = listeners[0]!;
    stream.removeListener('data', this.#pgListener);
    stream.pause();
    stream.on('readable', this.#onReadable);
    connection.query(this.text);
    this.#drain();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? '');
    if (match) this.#rowCount = Number(match[1]);
  }

  /** A server error (pg sends ReadyForQuery after it) or a lost connection (it does not): fail at once. */
  handleError(error: Error): void {
    this.#failed ??= error;
    this.#reject(error);
  }

  handleReadyForQuery(): void {
    if (!this.#failed) this.#resolve({ data: this.#out.subarray(0, this.#length), rowCount: this.#rowCount });
  }

  // a statement that is not a COPY TO STDOUT: refused
  handleRowDescription(): void {
    this.handleError(new TurnoverError('INTERNAL', 'not a COPY … TO STDOUT statement'));
  }
  handleDataRow(): void {}
  handleEmptyQuery(): void {
    this.handleRowDescription();
  }
  handleCopyInResponse(): void {
    this.handleRowDescription();
  }
  handleCopyData(): void {}
  handlePortalSuspended(): void {}

  #drain(): void {
    const stream = this.#connection?.stream;
    let chunk: Buffer | null;
    while (this.#pgListener && stream && (chunk = stream.read() as Buffer | null) !== null) this.#parse(chunk);
  }

  /**
   * Stages a socket read at the end of the output in one copy, then closes
   * the gaps of the message headers in place (copyWithin: no allocation per
   * row), keeping only CopyData payloads.
   */
  #parse(input: Buffer): void {
    let chunk = input;
    if (this.#partial) {
      chunk = Buffer.concat([this.#partial, chunk]);
      this.#partial = null;
    }
    this.#reserve(chunk.length);
    const out = this.#out;
    const base = this.#length;
    chunk.copy(out, base);
    let write = base;
    let at = 0;
    while (at < chunk.length) {
      if (this.#remaining < 0) {
        if (chunk[at] === ERROR_RESPONSE) {
          this.#length = write;
          return this.#detach(chunk.subarray(at));
        }
        if (chunk.length - at < HEADER) {
          this.#partial = Buffer.from(chunk.subarray(at));
          break;
        }
        this.#code = chunk[at]!;
        this.#remaining = chunk.readInt32BE(at + 1) - 4;
        at += HEADER;
        if (this.#code === COPY_DONE) {
          this.#length = write;
          return this.#detach(chunk.subarray(at));
        }
      }
      const n = Math.min(this.#remaining, chunk.length - at);
      if (this.#code === COPY_DATA && n > 0) {
        if (write !== base + at) out.copyWithin(write, base + at, base + at + n);
        write += n;
      }
      at += n;
      this.#remaining -= n;
      if (this.#remaining === 0) this.#remaining = -1;
    }
    this.#length = write;
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#out.length) return;
    const grown = this.buffers.take(Math.max(needed, this.#out.length * 2));
    this.#out.copy(grown, 0, 0, this.#length);
    this.buffers.give(this.#out);
    this.#out = grown;
  }

  /** Hands the socket back to pg, with the bytes it has not seen yet. */
  #detach(rest: Buffer): void {
    const connection = this.#connection!;
    const listener = this.#pgListener!;
    this.#pgListener = undefined;
    connection.stream.removeListener('readable', this.#onReadable);
    connection.stream.on('data', listener);
    if (rest.length > 0) listener(rest);
    process.nextTick(() => connection.stream.resume());
  }
}
