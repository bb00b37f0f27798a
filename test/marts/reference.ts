import { parseFeedValueWithSchema, type CurrencyRecord, type ParseResult, type TransactionRecord } from '../../src/contracts/index.js';

/**
 * An independent implementation of SPEC §3–§4 in plain TypeScript over the
 * message values, for tests to compare the marts with. It shares nothing
 * with the mart SQL: STG's keep-the-latest rule, counted transactions, the
 * rate rule and the rounding are written again here, with exact integer
 * arithmetic (BigInt) for money.
 */

const USD = 420;
const RATE_REACH_DAYS = 7;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const DATE_AFTER_KEY = /"(transaction_dt|date_update|sent_dttm)"\s*:\s*"(\d{4})-(\d{2})-(\d{2})/g;

/** A real calendar day of years 0001–9999. */
function isDay(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return year >= 1 && year <= 9999 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** docs/feed-contract.md: a value that is not JSON is dated by the first date after an event-time key in its first 4 KiB, else by `sent_dttm`'s. */
function dayInText(text: string): string | undefined {
  let sent: string | undefined;
  for (const [, key, y, m, d] of text.slice(0, 4096).matchAll(DATE_AFTER_KEY)) {
    if (!isDay(Number(y), Number(m), Number(d))) continue;
    if (key !== 'sent_dttm') return `${y}-${m}-${d}`;
    sent ??= `${y}-${m}-${d}`;
  }
  return sent;
}

/**
 * The contract's verdict on one value, by the path production does not run:
 * a strict UTF-8 decoder, JSON.parse (never the feed-shape reader) and zod's
 * generic path over the schema (parseFeedValueWithSchema, the yardstick of
 * the production parser). So a test comparing STG with this reference also
 * checks the production parser (feed-shape.ts, fast-parse.ts) and STG's
 * byte-level transaction scanner.
 */
export function referenceParse(value: Buffer | null): ParseResult {
  const reject = (reason: 'null_value' | 'not_utf8' | 'not_json', eventDate: string | undefined): ParseResult =>
    ({ ok: false, reason, detail: reason, ...(eventDate === undefined ? {} : { eventDate }) });
  if (value === null) return reject('null_value', undefined);
  let text: string;
  try {
    text = STRICT_UTF8.decode(value);
  } catch {
    return reject('not_utf8', dayInText(value.toString('latin1')));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return reject('not_json', dayInText(text));
  }
  return parseFeedValueWithSchema(json);
}

export interface ReferenceStg {
  readonly transactions: readonly TransactionRecord[];
  readonly currencies: readonly CurrencyRecord[];
}

/** STG from message values in landing order: per natural key the latest by (sent_dttm, landing order). */
export function referenceStg(values: readonly Buffer[]): ReferenceStg {
  const transactions = new Map<string, { record: TransactionRecord; order: number }>();
  const currencies = new Map<string, { record: CurrencyRecord; order: number }>();
  const later = (a: { record: { sentDttm: string }; order: number }, b: { record: { sentDttm: string }; order: number }) =>
    a.record.sentDttm > b.record.sentDttm || (a.record.sentDttm === b.record.sentDttm && a.order > b.order);
  values.forEach((value, order) => {
    const parsed = referenceParse(value);
    if (!parsed.ok) return;
    if (parsed.kind === 'TRANSACTION') {
      const key = `${parsed.operationId}/${parsed.status}`;
      const candidate = { record: parsed, order };
      const current = transactions.get(key);
      if (!current || later(candidate, current)) transactions.set(key, candidate);
    } else {
      const key = `${parsed.dateUpdate}/${parsed.currencyCode}/${parsed.currencyCodeWith}`;
      const candidate = { record: parsed, order };
      const current = currencies.get(key);
      if (!current || later(candidate, current)) currencies.set(key, candidate);
    }
  });
  return {
    transactions: [...transactions.values()].map((v) => v.record),
    currencies: [...currencies.values()].map((v) => v.record),
  };
}

function shiftDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Rate in millionths (numeric(20,6) as STG stores it). */
const micro = (rate: number): bigint => BigInt(Math.round(rate * 1e6));

export interface ReferenceRate {
  readonly micro: bigint;
  readonly rateDate: string;
  readonly status: 'usd' | 'same_day' | 'stale';
}

export function referenceRate(stg: ReferenceStg, currency: number, day: string): ReferenceRate | undefined {
  if (currency === USD) return { micro: 1_000_000n, rateDate: day, status: 'usd' };
  for (let age = 0; age <= RATE_REACH_DAYS; age++) {
    const date = shiftDay(day, -age);
    const quote = stg.currencies.find((c) => c.dateUpdate === date && c.currencyCode === currency && c.currencyCodeWith === USD);
    if (quote) return { micro: micro(quote.currencyWithDiv), rateDate: date, status: age === 0 ? 'same_day' : 'stale' };
  }
  return undefined;
}

/** One (day, currency) of counted transactions with exact money. */
export interface ReferenceCurrencyDay {
  readonly day: string;
  readonly currency: number;
  readonly transactions: bigint;
  readonly accounts: bigint;
  /** Σ |amount| in minor units. */
  readonly amountMinor: bigint;
  readonly rate: ReferenceRate | undefined;
  /** round(amountMinor × rate) in USD cents, half away from zero; undefined when no rate. */
  readonly usdCents: bigint | undefined;
}

export function referenceCurrencyDays(stg: ReferenceStg): ReferenceCurrencyDay[] {
  const groups = new Map<string, { day: string; currency: number; n: bigint; accounts: Set<number>; amount: bigint }>();
  for (const t of stg.transactions) {
    if (t.status !== 'done' || t.accountNumberFrom < 0 || t.accountNumberTo < 0) continue;
    const key = `${t.transactionDate}/${t.currencyCode}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { day: t.transactionDate, currency: t.currencyCode, n: 0n, accounts: new Set(), amount: 0n }));
    group.n += 1n;
    group.accounts.add(t.accountNumberTo);
    group.amount += BigInt(Math.abs(t.amount));
  }
  return [...groups.values()]
    .map((g) => {
      const rate = referenceRate(stg, g.currency, g.day);
      // amount (cents) × rate (millionths) is USD cents in millionths: round half up to cents
      const usdCents = rate === undefined ? undefined : (g.amount * rate.micro + 500_000n) / 1_000_000n;
      return { day: g.day, currency: g.currency, transactions: g.n, accounts: BigInt(g.accounts.size), amountMinor: g.amount, rate, usdCents };
    })
    .sort((a, b) => (a.day === b.day ? a.currency - b.currency : a.day < b.day ? -1 : 1));
}

/** Fixed-point text of an integer count of 10^-scale units (what PostgreSQL prints for numeric(p, scale)). */
export function decimalText(units: bigint, scale: number): string {
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(scale + 1, '0');
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** cdm.global_metrics as text, exactly as the mart must hold it. */
export interface GlobalMetricsText {
  readonly date_update: string;
  readonly currency_from: string;
  readonly amount_total: string | null;
  readonly cnt_transactions: string;
  readonly avg_transactions_per_account: string;
  readonly cnt_accounts_make_transactions: string;
}

export function referenceGlobalMetrics(stg: ReferenceStg): GlobalMetricsText[] {
  return referenceCurrencyDays(stg).map((d) => ({
    date_update: d.day,
    currency_from: String(d.currency),
    amount_total: d.usdCents === undefined ? null : decimalText(d.usdCents, 2),
    cnt_transactions: String(d.transactions),
    // transactions / accounts to 4 decimals, half up
    avg_transactions_per_account: decimalText((d.transactions * 20_000n + d.accounts) / (2n * d.accounts), 4),
    cnt_accounts_make_transactions: String(d.accounts),
  }));
}

/** Unrounded additive-LMDI effects (USD) of one currency between two days, in double precision. */
export interface ReferenceEffects {
  readonly accounts: number;
  readonly frequency: number;
  readonly ticket: number;
  readonly fx: number;
}

/** One currency-day's factors of V = A × F × T × R, as plain numbers. */
export interface Factors {
  readonly accounts: number;
  readonly transactions: number;
  /** Gross local amount (any unit: it cancels out of the log ratios). */
  readonly amount: number;
  readonly rate: number;
}

/** Textbook additive LMDI between two days; a side with V = 0 gives its whole change to the zero factor (the ticket). */
export function lmdi(previous: Factors, current: Factors): ReferenceEffects {
  const v0 = previous.amount * previous.rate;
  const v1 = current.amount * current.rate;
  if (v0 === 0 || v1 === 0) return { accounts: 0, frequency: 0, ticket: v1 - v0, fx: 0 };
  const weight = v1 === v0 ? v1 : (v1 - v0) / (Math.log(v1) - Math.log(v0));
  const f = (d: Factors) => d.transactions / d.accounts;
  const t = (d: Factors) => d.amount / d.transactions;
  return {
    accounts: weight * Math.log(current.accounts / previous.accounts),
    frequency: weight * Math.log(f(current) / f(previous)),
    ticket: weight * Math.log(t(current) / t(previous)),
    fx: weight * Math.log(current.rate / previous.rate),
  };
}

/** The factors of a reference currency-day (which must have a rate), amounts in major units. */
export function factorsOf(d: ReferenceCurrencyDay): Factors {
  return { accounts: Number(d.accounts), transactions: Number(d.transactions), amount: Number(d.amountMinor) / 100, rate: Number(d.rate!.micro) / 1e6 };
}

const KNOWN_TYPES = new Set([
  'authorization', 'sbp_incoming', 'sbp_outgoing', 'transfer_incoming', 'transfer_outgoing', 'c2a_incoming', 'c2b_partner_incoming', 'c2b_partner_outgoing',
]);

/**
 * The data-quality rows that follow from STG's transactions and rates alone
 * (rejects, conflicts and late arrivals depend on the load, not the data),
 * as `day|metric|dimension|value` text.
 */
export function referenceDataQuality(stg: ReferenceStg): string[] {
  const counts = new Map<string, bigint>();
  const add = (day: string, metric: string, dimension: string | number, value: bigint) => {
    const key = `${day}|${metric}|${dimension}`;
    counts.set(key, (counts.get(key) ?? 0n) + value);
  };
  const chargebackMinor = new Map<string, bigint>();
  for (const t of stg.transactions) {
    const test = t.accountNumberFrom < 0 || t.accountNumberTo < 0;
    if (!KNOWN_TYPES.has(t.transactionType)) add(t.transactionDate, 'unknown_transaction_types', t.transactionType, 100n);
    if (t.status === 'done' && test) add(t.transactionDate, 'test_account_transactions', t.currencyCode, 100n);
    if (t.status === 'chargeback' && !test) {
      add(t.transactionDate, 'chargebacks', t.currencyCode, 100n);
      const key = `${t.transactionDate}|${t.currencyCode}`;
      chargebackMinor.set(key, (chargebackMinor.get(key) ?? 0n) + BigInt(Math.abs(t.amount)));
    }
  }
  for (const [key, minor] of chargebackMinor) {
    const [day, currency] = key.split('|') as [string, string];
    const rate = referenceRate(stg, Number(currency), day);
    if (rate) add(day, 'chargebacks_usd', currency, (minor * rate.micro + 500_000n) / 1_000_000n);
  }
  for (const d of referenceCurrencyDays(stg)) {
    if (d.rate === undefined) add(d.day, 'missing_rate_transactions', d.currency, d.transactions * 100n);
    else if (d.rate.status === 'stale') add(d.day, 'stale_rate_transactions', d.currency, d.transactions * 100n);
  }
  // values in hundredths, as numeric(20,2) prints them
  return [...counts].filter(([, v]) => v !== 0n).map(([k, v]) => `${k}|${decimalText(v, 2)}`).sort();
}

/** A cdm.turnover_drivers row as text, exactly as the mart must hold it, but for the four LMDI effects. */
export interface DriverRowText {
  readonly date_update: string;
  readonly currency_from: string | null;
  readonly kind: 'total' | 'continuing' | 'entry' | 'exit' | 'excluded';
  readonly turnover_prev_usd: string | null;
  readonly turnover_usd: string | null;
  readonly change_usd: string | null;
  readonly accounts_prev: string | null;
  readonly accounts: string | null;
  readonly transactions_prev: string | null;
  readonly transactions: string | null;
  readonly ticket_prev: string | null;
  readonly ticket: string | null;
  readonly rate_prev: string | null;
  readonly rate: string | null;
  readonly entry_exit_effect: string | null;
}

export interface ReferenceDriverRow {
  readonly text: DriverRowText;
  /**
   * The four effects: exact LMDI effects in USD for a continuing row (the
   * mart's rounded ones must be within a cent each and add up to the change);
   * 0 for entry and exit; null when excluded; undefined on the total row
   * (the sums of the day's rounded rows).
   */
  readonly effects: ReferenceEffects | null | undefined;
}

/** Average local amount per transaction, round half up to 6 decimals (numeric(24,6)), from exact minor units. */
const ticketText = (d: ReferenceCurrencyDay): string => decimalText((d.amountMinor * 20_000n + d.transactions) / (2n * d.transactions), 6);

/**
 * cdm.turnover_drivers by SPEC §4 and docs/marts.md, written from the
 * definitions: for every built day whose previous day is built, one row per
 * currency counted on either day — continuing (convertible on both), entry,
 * exit, or excluded (a side without a usable rate) — and a total row over
 * the rows that are not excluded.
 */
export function referenceDrivers(stg: ReferenceStg, builtDays: ReadonlySet<string>): ReferenceDriverRow[] {
  const byDay = new Map<string, Map<number, ReferenceCurrencyDay>>();
  for (const d of referenceCurrencyDays(stg)) {
    if (!byDay.has(d.day)) byDay.set(d.day, new Map());
    byDay.get(d.day)!.set(d.currency, d);
  }
  const cents = (c: bigint | undefined): string | null => (c === undefined ? null : decimalText(c, 2));
  const rows: ReferenceDriverRow[] = [];
  for (const day of [...builtDays].sort()) {
    if (!builtDays.has(shiftDay(day, -1))) continue;
    const current = byDay.get(day) ?? new Map<number, ReferenceCurrencyDay>();
    const previous = byDay.get(shiftDay(day, -1)) ?? new Map<number, ReferenceCurrencyDay>();
    const total = { prev: 0n, now: 0n, change: 0n, transactionsPrev: 0n, transactions: 0n, entryExit: 0n };
    for (const currency of [...new Set([...current.keys(), ...previous.keys()])].sort((a, b) => a - b)) {
      const now = current.get(currency);
      const before = previous.get(currency);
      const convertible = (d: ReferenceCurrencyDay | undefined) => d === undefined || d.usdCents !== undefined;
      const kind = !convertible(now) || !convertible(before) ? 'excluded' : now && before ? 'continuing' : now ? 'entry' : 'exit';
      const prevCents = kind === 'entry' ? 0n : before?.usdCents;
      const nowCents = kind === 'exit' ? 0n : now?.usdCents;
      const change = kind === 'excluded' ? undefined : (nowCents ?? 0n) - (prevCents ?? 0n);
      const entryExit = kind === 'entry' ? nowCents : kind === 'exit' ? -prevCents! : kind === 'continuing' ? 0n : undefined;
      rows.push({
        text: {
          date_update: day,
          currency_from: String(currency),
          kind,
          turnover_prev_usd: cents(prevCents),
          turnover_usd: cents(nowCents),
          change_usd: cents(change),
          accounts_prev: String(before?.accounts ?? 0n),
          accounts: String(now?.accounts ?? 0n),
          transactions_prev: String(before?.transactions ?? 0n),
          transactions: String(now?.transactions ?? 0n),
          ticket_prev: before ? ticketText(before) : null,
          ticket: now ? ticketText(now) : null,
          rate_prev: before?.rate ? decimalText(before.rate.micro, 6) : null,
          rate: now?.rate ? decimalText(now.rate.micro, 6) : null,
          entry_exit_effect: cents(entryExit),
        },
        effects: kind === 'excluded' ? null : kind === 'continuing' ? lmdi(factorsOf(before!), factorsOf(now!)) : { accounts: 0, frequency: 0, ticket: 0, fx: 0 },
      });
      if (kind === 'excluded') continue;
      total.prev += prevCents!;
      total.now += nowCents!;
      total.change += change!;
      total.transactionsPrev += before?.transactions ?? 0n;
      total.transactions += now?.transactions ?? 0n;
      total.entryExit += entryExit!;
    }
    rows.push({
      text: {
        date_update: day,
        currency_from: null,
        kind: 'total',
        turnover_prev_usd: cents(total.prev),
        turnover_usd: cents(total.now),
        change_usd: cents(total.change),
        accounts_prev: null,
        accounts: null,
        transactions_prev: String(total.transactionsPrev),
        transactions: String(total.transactions),
        ticket_prev: null,
        ticket: null,
        rate_prev: null,
        rate: null,
        entry_exit_effect: cents(total.entryExit),
      },
      effects: undefined,
    });
  }
  return rows;
}
