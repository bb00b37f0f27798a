/** What a fault test did and when, for its diagnostics; never asserted on (timing is not a result). */
export class FaultLog {
  readonly #started = Date.now();
  readonly #lines: string[] = [];

  note(line: string): void {
    this.#lines.push(`${this.#elapsed()}: ${line}`);
  }

  summary(last: string): string {
    return [...this.#lines, `${this.#elapsed()}: ${last}`].join('; ');
  }

  #elapsed(): string {
    return `${Math.round((Date.now() - this.#started) / 1000)} s in`;
  }
}
