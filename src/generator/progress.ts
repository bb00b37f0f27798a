import type { Logger } from '../log/logger.js';

/** A progress line every few seconds on long runs (stderr, through the logger); silent on short ones. */
export class Progress {
  readonly #logger: Logger;
  readonly #everyMs: number;
  readonly #started = Date.now();
  #lastAt = Date.now();
  #lastCount = 0;

  constructor(logger: Logger, everyMs = 5_000) {
    this.#logger = logger;
    this.#everyMs = everyMs;
  }

  /** Cheap enough to call per message: it looks at the clock every 4096 calls (or when asked to). */
  tick(count: number, where: () => string, lookAtClock = (count & 4095) === 0): void {
    if (!lookAtClock) return;
    const now = Date.now();
    if (now - this.#lastAt < this.#everyMs) return;
    const rate = ((count - this.#lastCount) * 1000) / (now - this.#lastAt);
    this.#logger.info(`${count.toLocaleString('en-US')} messages, ${Math.round(rate).toLocaleString('en-US')} msg/s, ${where()}`);
    this.#lastAt = now;
    this.#lastCount = count;
  }

  /** Mean rate since the start, messages per second. */
  meanRate(count: number): number {
    const elapsed = Date.now() - this.#started;
    return elapsed > 0 ? (count * 1000) / elapsed : 0;
  }
}
