/**
 * The one line a command keeps live at the bottom of a terminal (`turnover
 * up`'s status): rewritten in place, and log lines are written above it,
 * never onto its end. Off a terminal nothing is live: callers print plain
 * lines instead (`isLive`).
 */
export class LiveLine {
  #text = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  /** Both streams are one terminal: only then can a line be rewritten under the logs. */
  get isLive(): boolean {
    return this.out.isTTY === true && process.stderr.isTTY === true;
  }

  /** Shows `text` as the live line, in place of the previous one. */
  set(text: string): void {
    this.#text = text;
    this.out.write(`\r\x1b[2K${text}`);
  }

  /** Runs `write` (which prints whole lines) above the live line, then shows the line again. */
  above(write: () => void): void {
    if (this.#text === '') return write();
    this.out.write('\r\x1b[2K');
    write();
    this.out.write(this.#text);
  }

  /** Ends the live line: it stays as the last thing printed, and what follows starts on a line of its own. */
  done(): void {
    if (this.#text === '') return;
    this.out.write(`\r\x1b[2K${this.#text}\n`);
    this.#text = '';
  }
}

/** The process's live line: one terminal, one line. */
export const liveLine = new LiveLine();
