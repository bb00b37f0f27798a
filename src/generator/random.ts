/**
 * Seeded randomness for the generator. Every stream is derived from
 * (seed, day, purpose), so a day's content depends only on the seed and that
 * day: a backfill of March and a backfill of March 5 alone agree on March 5,
 * and a scenario that draws from its own stream leaves every other draw as it
 * was (which is what lets tests compare a scenario run with its baseline).
 */

/** Mixes 32-bit words into one (murmur3 finaliser steps). */
function mix(h: number, word: number): number {
  let k = Math.imul(word | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of numbers and strings, stable across runs and platforms. */
export function hashWords(...parts: readonly (number | string)[]): number {
  let h = 0x9747b28c;
  for (const part of parts) {
    if (typeof part === 'number') {
      h = mix(h, part | 0);
      h = mix(h, Math.floor(part / 2 ** 32) | 0);
    } else {
      for (let i = 0; i < part.length; i++) h = mix(h, part.charCodeAt(i));
      h = mix(h, part.length);
    }
  }
  return finish(h);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** sfc32: small, fast, passes PractRand; plenty for synthetic data. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined;

  constructor(...seedParts: readonly (number | string)[]) {
    this.#a = hashWords(...seedParts, 1);
    this.#b = hashWords(...seedParts, 2);
    this.#c = hashWords(...seedParts, 3);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  /** Standard normal (Marsaglia polar method, spare kept). */
  normal(): number {
    const spare = this.#spareNormal;
    if (spare !== undefined) {
      this.#spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareNormal = v * factor;
    return u * factor;
  }

  /** Log-normal with the given median and log-space sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A random (version 4) UUID, lower case. */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    return (
      HEX[a >>> 24]! + HEX[(a >>> 16) & 255]! + HEX[(a >>> 8) & 255]! + HEX[a & 255]! + '-' +
      HEX[b >>> 24]! + HEX[(b >>> 16) & 255]! + '-' +
      HEX[0x40 | ((b >>> 8) & 15)]! + HEX[b & 255]! + '-' +
      HEX[0x80 | ((c >>> 24) & 63)]! + HEX[(c >>> 16) & 255]! + '-' +
      HEX[(c >>> 8) & 255]! + HEX[c & 255]! + HEX[d >>> 24]! + HEX[(d >>> 16) & 255]! + HEX[(d >>> 8) & 255]! + HEX[d & 255]!
    );
  }
}

/** Picks among weighted choices with one uniform draw (cumulative table, linear scan: tables are small). */
export class WeightedChoice<T> {
  readonly #values: readonly T[];
  readonly #cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.#values = entries.map(([value]) => value);
    this.#cumulative = new Float64Array(entries.length);
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let running = 0;
    entries.forEach(([, weight], i) => {
      running += weight / total;
      this.#cumulative[i] = running;
    });
    this.#cumulative[entries.length - 1] = 1;
  }

  /** The probability of `value` (0 when it is not a choice). */
  share(value: T): number {
    const i = this.#values.indexOf(value);
    if (i < 0) return 0;
    return this.#cumulative[i]! - (i === 0 ? 0 : this.#cumulative[i - 1]!);
  }

  pick(random: Random): T {
    const u = random.float();
    const cumulative = this.#cumulative;
    let i = 0;
    while (u >= cumulative[i]!) i++;
    return this.#values[i]!;
  }
}
