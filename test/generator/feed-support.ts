import { parseMessage, type ParseResult } from '../../src/contracts/index.js';
import { generateFeed, parseScenario, type FeedOptions, type GeneratedMessage } from '../../src/generator/index.js';

export interface Parsed {
  readonly message: GeneratedMessage;
  readonly bytes: Buffer;
  readonly result: ParseResult;
}

export function bytesOf(message: GeneratedMessage): Buffer {
  return typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : message.value;
}

/** The whole feed, each message with its parse result. */
export function feed(options: Omit<FeedOptions, 'scenarios'> & { scenarios?: readonly string[] }): Parsed[] {
  const out: Parsed[] = [];
  for (const message of generateFeed({ ...options, scenarios: (options.scenarios ?? []).map(parseScenario) })) {
    const bytes = bytesOf(message);
    out.push({ message, bytes, result: parseMessage(bytes) });
  }
  return out;
}

export type Tx = Extract<ParseResult, { kind: 'TRANSACTION' }>;
export type Cu = Extract<ParseResult, { kind: 'CURRENCY' }>;

export const transactions = (parsed: readonly Parsed[]): Tx[] => parsed.flatMap((p) => (p.result.ok && p.result.kind === 'TRANSACTION' ? [p.result] : []));
export const currencies = (parsed: readonly Parsed[]): Cu[] => parsed.flatMap((p) => (p.result.ok && p.result.kind === 'CURRENCY' ? [p.result] : []));

/** Rate of (from, to) on a day, from the parsed feed. */
export function rateOf(parsed: readonly Parsed[], date: string, from: number, to: number): number | undefined {
  return currencies(parsed).find((c) => c.dateUpdate === date && c.currencyCode === from && c.currencyCodeWith === to)?.currencyWithDiv;
}

/** Counted transactions of a day as the marts count them: done events, no test accounts. */
export function doneOn(parsed: readonly Parsed[], date: string): Tx[] {
  return transactions(parsed).filter((t) => t.status === 'done' && t.transactionDate === date && t.accountNumberFrom >= 0 && t.accountNumberTo >= 0);
}

export function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}
