import { ConfigError } from '../errors.js';

/**
 * Test-only: the wall clock a command reads, moved to another moment so that
 * a test can show "today" on data from another year (the dashboard's partial
 * day). One environment variable, read once at the command's edge, never a
 * flag:
 *   TURNOVER_TEST_NOW=<ISO timestamp>   the clock starts there and runs on
 * Unset — in production — the clock is `Date.now`.
 */
export type Clock = () => Date;

/** Where the variable comes from: the command's test hooks (src/command/edge-values.ts). */
export interface ClockHooks {
  get(name: 'TURNOVER_TEST_NOW'): string | undefined;
}

export function clockFrom(hooks: ClockHooks): Clock {
  const text = hooks.get('TURNOVER_TEST_NOW');
  if (text === undefined || text === '') return () => new Date();
  const start = Date.parse(text);
  if (Number.isNaN(start)) throw new ConfigError(`TURNOVER_TEST_NOW must be an ISO timestamp, got "${text}"`);
  const offset = start - Date.now();
  return () => new Date(Date.now() + offset);
}
