/**
 * Large buffers kept for reuse. A load moves tens of megabytes per chunk
 * (landed COPY data, encoded tuples); allocating them afresh each time keeps
 * V8 collecting for external-memory pressure (measured: most of the main
 * thread's mark-compacts). Buffers travel between the main thread and a parse
 * worker by transfer and come back the same way, so each side keeps a few.
 * Only give a buffer back once nothing reads or writes it any more.
 */
export class BufferPool {
  readonly #free: ArrayBuffer[] = [];

  constructor(
    private readonly keep = 4,
    private readonly minBytes = 1 << 20,
  ) {}

  /** A buffer of at least `bytes` (its length may be larger), reused when one is free. */
  take(bytes: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const size = this.#free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.#free[best]!.byteLength)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(Math.max(bytes, 64));
    return Buffer.from(this.#free.splice(best, 1)[0]!);
  }

  give(buffer: ArrayBufferLike | ArrayBufferView | undefined): void {
    const whole = buffer === undefined ? undefined : ArrayBuffer.isView(buffer) ? buffer.buffer : buffer;
    // a detached buffer has length 0; Node's shared slab for small Buffers is never taken
    if (!(whole instanceof ArrayBuffer) || whole.byteLength < this.minBytes || this.#free.includes(whole)) return;
    this.#free.push(whole);
    if (this.#free.length > this.keep) {
      this.#free.sort((a, b) => b.byteLength - a.byteLength);
      this.#free.length = this.keep;
    }
  }
}
