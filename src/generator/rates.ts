import { createHash } from 'node:crypto';
import { REPORTING_CURRENCY } from '../contracts/index.js';
import { hashWords, Random } from './random.js';

/**
 * Daily rates for all 42 ordered pairs of the 7 currencies, in the feed's
 * order (from-currency 430, 470, 460, 450, 410, 420, 440; to-currencies in
 * the same order), with values like the feed's: around 1, two decimals.
 *
 * Each currency's USD value is a smooth function of (seed, currency, day) —
 * two slow waves plus a little daily noise, within 0.90–1.10 — so any day's
 * rates are the same whatever range is generated. Cross rates are derived
 * from the published USD values (value_a / value_b), so they are mutually
 * consistent, unlike the live feed's (its README warns about that).
 */

export const FEED_CURRENCY_ORDER: readonly number[] = Object.freeze([430, 470, 460, 450, 410, 420, 440]);

export const RATE_PAIRS: readonly (readonly [number, number])[] = Object.freeze(
  FEED_CURRENCY_ORDER.flatMap((from) => FEED_CURRENCY_ORDER.filter((to) => to !== from).map((to) => Object.freeze([from, to] as const))),
);

const round = (value: number, decimals: number): number => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/** The published USD value of one unit of `currency` on `day` (two decimals); 1 for USD. */
export function usdValue(seed: number, currency: number, day: number): number {
  if (currency === REPORTING_CURRENCY) return 1;
  const shape = new Random(seed, 'rate-shape', currency);
  const slow = 0.05 * Math.sin((2 * Math.PI * day) / shape.between(45, 90) + shape.between(0, 2 * Math.PI));
  const fast = 0.03 * Math.sin((2 * Math.PI * day) / shape.between(9, 20) + shape.between(0, 2 * Math.PI));
  const noise = 0.015 * (hashWords(seed, 'rate-noise', currency, day) / 2 ** 31 - 1);
  return round(1 + slow + fast + noise, 2);
}

export interface Rate {
  readonly from: number;
  readonly to: number;
  readonly rate: number;
}

export interface RateEffects {
  readonly fxFactor: ReadonlyMap<number, number>;
  readonly missingRates: ReadonlySet<number>;
}

/**
 * The day's rate messages. A shocked currency's value is multiplied by its
 * factor and the pairs that involve it are published with six decimals (so
 * that, e.g., a +10% shock is exactly +10% on the (c, 420) rate); other pairs
 * keep two decimals.
 */
export function ratesOn(seed: number, day: number, effects: RateEffects): Rate[] {
  const values = new Map<number, number>();
  for (const c of FEED_CURRENCY_ORDER) values.set(c, usdValue(seed, c, day) * (effects.fxFactor.get(c) ?? 1));
  const rates: Rate[] = [];
  for (const [from, to] of RATE_PAIRS) {
    if (effects.missingRates.has(from) || effects.missingRates.has(to)) continue;
    const shocked = effects.fxFactor.has(from) || effects.fxFactor.has(to);
    rates.push({ from, to, rate: round(values.get(from)! / values.get(to)!, shocked ? 6 : 2) });
  }
  return rates;
}

/** RFC 4122 name-based (v5) UUID: the same rate message always gets the same id, like the feed's. */
const RATE_NAMESPACE = Buffer.from('6f1d4d4e8c3b5a7e9a2e1f0b3c4d5e6f', 'hex');

export function rateObjectId(date: string, from: number, to: number): string {
  const hash = createHash('sha1').update(RATE_NAMESPACE).update(`${date}:${from}:${to}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
