/** The currencies of SPEC §2. Codes outside this table are kept by the parser (see docs/feed-contract.md). */
export interface Currency {
  readonly code: number;
  readonly country: string;
  readonly iso: string;
}

export const CURRENCIES: readonly Currency[] = Object.freeze([
  { code: 410, country: 'canada', iso: 'CAD' },
  { code: 420, country: 'usa', iso: 'USD' },
  { code: 430, country: 'russia', iso: 'RUB' },
  { code: 440, country: 'italy', iso: 'EUR' },
  { code: 450, country: 'china', iso: 'CNY' },
  { code: 460, country: 'england', iso: 'GBP' },
  { code: 470, country: 'turkey', iso: 'TRY' },
].map((c) => Object.freeze(c)));

/** USD: the reporting currency; rates are read as (currency, 420) rows. */
export const REPORTING_CURRENCY = 420;

export const CURRENCY_BY_CODE: ReadonlyMap<number, Currency> = new Map(CURRENCIES.map((c) => [c.code, c]));

/** The ledger accounts of the bank that appear on the `from` side of almost every live transaction. */
export const LEDGER_ACCOUNTS: readonly number[] = Object.freeze([903810, 914810]);
