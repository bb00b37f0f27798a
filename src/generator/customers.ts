import { FOREIGN_CURRENCY_SHARE, HOME_CURRENCIES } from './feed-mix.js';
import { hashWords, Random } from './random.js';

/**
 * Customers (the `account_number_to` side) with repeat behaviour: a fixed
 * pool whose members are drawn with Zipf-like weights, so a few customers
 * transact every day and most now and then — about 1.2–1.5 operations per
 * active account and day, like a retail book. Each has a home currency (the
 * feed's mix) and a ticket scale (some customers move more money).
 *
 * Account numbers are 6–7 digits like the feed's (100000–9999999): index i
 * maps to 100000 + (i·A + B) mod 9,900,000 with A coprime to the modulus, a
 * bijection, so distinct customers always have distinct accounts. Customers
 * "new to the book" (accounts surge) take indexes past the pool.
 */
const ACCOUNT_SPACE = 9_900_000;
const ACCOUNT_MULTIPLIER = 7_654_321;
const ZIPF_EXPONENT = 0.75;

export class CustomerPool {
  readonly size: number;
  readonly #seed: number;
  readonly #offset: number;
  readonly #cumulative: Float64Array;
  readonly #currency: Int16Array;
  readonly #ticketScale: Float32Array;

  constructor(seed: number, size: number) {
    if (size < 1 || size >= ACCOUNT_SPACE / 2) throw new RangeError(`customer pool size ${size} out of range`);
    this.size = size;
    this.#seed = seed;
    this.#offset = hashWords(seed, 'accounts') % ACCOUNT_SPACE;
    const random = new Random(seed, 'customers');
    this.#cumulative = new Float64Array(size);
    this.#currency = new Int16Array(size);
    this.#ticketScale = new Float32Array(size);
    let total = 0;
    for (let i = 0; i < size; i++) {
      total += 1 / (i + 1) ** ZIPF_EXPONENT;
      this.#cumulative[i] = total;
      this.#currency[i] = HOME_CURRENCIES.pick(random);
      this.#ticketScale[i] = random.logNormal(1, 0.5);
    }
    for (let i = 0; i < size; i++) this.#cumulative[i]! /= total;
  }

  /** A customer index, weighted by activity. */
  draw(random: Random): number {
    const u = random.float();
    const cumulative = this.#cumulative;
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! > u) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  account(index: number): number {
    return 100_000 + ((index * ACCOUNT_MULTIPLIER + this.#offset) % ACCOUNT_SPACE);
  }

  homeCurrency(index: number): number {
    return index < this.size ? this.#currency[index]! : newCustomerCurrency(this.#seed, index);
  }

  ticketScale(index: number): number {
    return index < this.size ? this.#ticketScale[index]! : 0.5 + hashWords(this.#seed, 'new-ticket', index) / 2 ** 32;
  }

  /** The currency of one operation: home, or now and then another one. */
  operationCurrency(index: number, random: Random): number {
    return random.chance(FOREIGN_CURRENCY_SHARE) ? HOME_CURRENCIES.pick(random) : this.homeCurrency(index);
  }

  /** Index of the k-th new customer of a day: past the pool, so never one of its accounts. */
  newCustomer(day: number, k: number): number {
    return this.size + ((hashWords(this.#seed, 'new', day) + k) % (ACCOUNT_SPACE - this.size));
  }
}

function newCustomerCurrency(seed: number, index: number): number {
  return HOME_CURRENCIES.pick(new Random(seed, 'new-customer', index));
}
