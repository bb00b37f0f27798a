import { pino, type Logger } from 'pino';
import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import pretty from 'pino-pretty';
import { liveLine } from './live-line.js';

export type { Logger };
export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  readonly level: string;
  readonly format: LogFormat;
}

/**
 * Logs go to stderr so that stdout stays clean for command output
 * (`stack env`, `validate --json`). Text is the default because an operator
 * reads it at 3 a.m.; JSON is for log shippers.
 */
export function createLogger(options: LoggerOptions): Logger {
  if (options.format === 'json') {
    return pino({ level: options.level, base: undefined }, pino.destination({ fd: 2, sync: true }));
  }
  const stream = pretty({
    // on a terminal with a live status line (turnover up), each log line goes above it
    destination: liveLine.isLive ? aboveLiveLine() : 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino({ level: options.level, base: undefined }, stream);
}

/** A logger that drops everything: for library code under test. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** stderr, written above the process's live line. */
function aboveLiveLine(): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      liveLine.above(() => writeSync(2, chunk));
      done();
    },
  });
}
