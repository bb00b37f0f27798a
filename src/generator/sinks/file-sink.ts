import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FeedSink, SinkMessage } from './feed-sink.js';

const CHUNK_BYTES = 1 << 20;

/**
 * A .jsonl file, one message value per line, bytes as generated. Lines are
 * gathered into ~1 MiB chunks (one write call each) and the stream's
 * back-pressure is honoured, so memory stays flat whatever the run's size.
 */
export class FileSink implements FeedSink {
  readonly target: string;
  readonly #stream: WriteStream;
  #parts: (string | Buffer)[] = [];
  #pending = 0;
  #error: unknown;

  private constructor(path: string, stream: WriteStream) {
    this.target = path;
    this.#stream = stream;
    stream.on('error', (error) => {
      this.#error = error;
    });
  }

  static async open(path: string): Promise<FileSink> {
    const stream = createWriteStream(path, { highWaterMark: CHUNK_BYTES });
    await once(stream, 'open');
    return new FileSink(path, stream);
  }

  write(message: SinkMessage): Promise<void> | undefined {
    if (message.value === null) return undefined;
    this.#parts.push(message.value, '\n');
    this.#pending += message.value.length + 1;
    if (this.#pending < CHUNK_BYTES) return undefined;
    return this.#writeChunk();
  }

  #writeChunk(): Promise<void> | undefined {
    if (this.#error) throw this.#error;
    if (this.#parts.length === 0) return undefined;
    const chunk = Buffer.concat(this.#parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    this.#parts = [];
    this.#pending = 0;
    return this.#stream.write(chunk) ? undefined : once(this.#stream, 'drain').then(() => undefined);
  }

  async flush(): Promise<void> {
    await this.#writeChunk();
  }

  async close(): Promise<void> {
    await this.flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
    if (this.#error) throw this.#error;
  }
}
