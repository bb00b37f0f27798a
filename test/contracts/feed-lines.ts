import { readFileSync } from 'node:fs';
import { LIVE_FEED } from '../support/paths.js';

/** The live feed's .jsonl fixtures, one Buffer per message value (bytes as stored). */
export function liveFeedValues(): { file: string; value: Buffer }[] {
  const values: { file: string; value: Buffer }[] = [];
  for (const file of [LIVE_FEED.messages, LIVE_FEED.transactions100]) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.length > 0) values.push({ file, value: Buffer.from(line, 'utf8') });
    }
  }
  return values;
}

export type Json = Record<string, unknown>;

/** The first real message of each kind, as plain objects to mutate in tests. */
export function baseMessages(): { transaction: Json; currency: Json } {
  const parsed = liveFeedValues().map((v) => JSON.parse(v.value.toString('utf8')) as Json);
  const transaction = parsed.find((m) => m.object_type === 'TRANSACTION');
  const currency = parsed.find((m) => m.object_type === 'CURRENCY');
  if (!transaction || !currency) throw new Error('fixtures hold no transaction or no currency message');
  return { transaction, currency };
}

/** A deep copy of `message` with the value at `path` replaced (or deleted when `value` is DELETE). */
export const DELETE = Symbol('delete');
export function withField(message: Json, path: string, value: unknown): Json {
  const copy = structuredClone(message);
  const keys = path.split('.');
  let target: Json = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Json;
  const last = keys[keys.length - 1]!;
  if (value === DELETE) delete target[last];
  else target[last] = value;
  return copy;
}
