import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveLine } from '../../src/log/live-line.js';

/** A terminal that records what was written to it, and renders it: `\r` returns, ESC[2K erases the line. */
class FakeTerminal {
  readonly isTTY = true;
  readonly writes: string[] = [];
  write(text: string): boolean {
    this.writes.push(text);
    return true;
  }
  /** What the screen shows, line by line. */
  screen(): string[] {
    const lines = [''];
    for (const text of this.writes) {
      for (const part of text.split(/(\r|\x1b\[2K|\n)/)) {
        if (part === '\r') continue;
        if (part === '\x1b[2K') lines[lines.length - 1] = '';
        else if (part === '\n') lines.push('');
        else lines[lines.length - 1] += part;
      }
    }
    return lines;
  }
}

describe('LiveLine: one status line at the bottom of a terminal', () => {
  it('rewrites itself in place, and log lines go above it, never onto its end', () => {
    const terminal = new FakeTerminal();
    const line = new LiveLine(terminal as unknown as NodeJS.WriteStream);
    line.set('landed 10');
    line.set('landed 20');
    line.above(() => terminal.write('WARN: something\n'));
    line.set('landed 30');
    assert.deepEqual(terminal.screen(), ['WARN: something', 'landed 30']);
    line.done();
    terminal.write('stopped cleanly\n');
    assert.deepEqual(terminal.screen(), ['WARN: something', 'landed 30', 'stopped cleanly', '']);
  });

  it('without a line shown, logs are written as they are', () => {
    const terminal = new FakeTerminal();
    const line = new LiveLine(terminal as unknown as NodeJS.WriteStream);
    line.above(() => terminal.write('INFO: a\n'));
    line.done();
    assert.deepEqual(terminal.writes, ['INFO: a\n']);
  });
});
