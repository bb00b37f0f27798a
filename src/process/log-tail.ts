import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** Last lines of a log file, for "failed to start" messages (at most its last 64 KiB are read). */
export function tailFile(path: string, lines = 20): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readFully(fd, buffer, size - length);
    return buffer.toString('utf8').split('\n').filter(Boolean).slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, buffer: Buffer, position: number): void {
  let done = 0;
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
}

/** The last `limit` non-empty lines of a stream fed chunk by chunk (a child's output), the unfinished one included. */
export class LineTail {
  readonly #limit: number;
  #lines: string[] = [];
  #partial = '';

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(chunk: Buffer): void {
    const lines = (this.#partial + chunk.toString('utf8')).split('\n');
    this.#partial = lines.pop() ?? '';
    this.#lines.push(...lines.filter(Boolean));
    if (this.#lines.length > this.#limit) this.#lines = this.#lines.slice(-this.#limit);
  }

  lines(): string[] {
    return [...this.#lines, ...(this.#partial ? [this.#partial] : [])];
  }
}
