import { UsageError } from '../errors.js';
import { isCalendarDate } from '../contracts/index.js';
import { dayNumber } from './days.js';

/**
 * Scenarios: changes with a known effect on chosen days, so that marts,
 * data quality and dashboards can be checked against what was injected.
 * Syntax (docs/generator.md): `KIND[:ARG]...@WHEN`, WHEN = `DATE`,
 * `DATE..DATE` or `DATE+Nd` (N days from DATE).
 */

export interface DayRange {
  /** Day numbers (days since 1970-01-01), inclusive. */
  readonly first: number;
  readonly last: number;
}

export type Scenario =
  /** The currency's rates against every other currency ×(1+change) (and the inverse pairs ÷) on those days. */
  | { readonly kind: 'fx-shock'; readonly currency: number; readonly change: number; readonly days: DayRange; readonly text: string }
  /** No rate message involving the currency on those days. */
  | { readonly kind: 'missing-rates'; readonly currency: number; readonly days: DayRange; readonly text: string }
  /** `change` × the day's operations more, each by a customer not otherwise active: distinct accounts rise. */
  | { readonly kind: 'accounts-surge'; readonly currency?: number; readonly change: number; readonly days: DayRange; readonly text: string }
  /** More (or fewer) operations by the day's already-active customers: transactions per account move. */
  | { readonly kind: 'frequency'; readonly currency?: number; readonly change: number; readonly days: DayRange; readonly text: string }
  /** Amounts of operations started that day ×(1+change). */
  | { readonly kind: 'ticket-size'; readonly currency?: number; readonly change: number; readonly days: DayRange; readonly text: string }
  /** That share of the day's transaction events is delivered `delayMs` later (sent_dttm = delivery time). */
  | { readonly kind: 'late'; readonly share: number; readonly delayMs: number; readonly days: DayRange; readonly text: string }
  /** That share of the day's messages is delivered twice, byte for byte, seconds apart. */
  | { readonly kind: 'redeliveries'; readonly share: number; readonly days: DayRange; readonly text: string }
  /** That share of the day's messages is followed minutes later by a corrected version under the same key. */
  | { readonly kind: 'corrections'; readonly share: number; readonly days: DayRange; readonly text: string }
  /** Malformed messages: a share of the day's messages (each followed by one) or an exact count. */
  | { readonly kind: 'poison'; readonly share?: number; readonly count?: number; readonly days: DayRange; readonly text: string };

export type ScenarioKind = Scenario['kind'];

export const SCENARIO_SYNTAX: Readonly<Record<ScenarioKind, string>> = {
  'fx-shock': 'fx-shock:CURRENCY:±P%@WHEN',
  'missing-rates': 'missing-rates:CURRENCY@WHEN',
  'accounts-surge': 'accounts-surge[:CURRENCY]:+P%@WHEN',
  frequency: 'frequency[:CURRENCY]:±P%@WHEN',
  'ticket-size': 'ticket-size[:CURRENCY]:±P%@WHEN',
  late: 'late:P%[:DELAY]@WHEN (DELAY like 2d, 6h, 30m; default 1d)',
  redeliveries: 'redeliveries:P%@WHEN',
  corrections: 'corrections:P%@WHEN',
  poison: 'poison:P%@WHEN or poison:COUNT@WHEN',
};

function fail(text: string, why: string, kind?: ScenarioKind): never {
  const syntax = kind ? SCENARIO_SYNTAX[kind] : 'KIND[:ARG]...@WHEN';
  throw new UsageError(`bad --scenario "${text}": ${why} (expected ${syntax}; WHEN is DATE, DATE..DATE or DATE+Nd)`);
}

function parseWhen(text: string, when: string): DayRange {
  const date = (value: string): number => {
    if (!isCalendarDate(value)) fail(text, `"${value}" is not a date YYYY-MM-DD`);
    return dayNumber(value);
  };
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(when);
  if (range) {
    const first = date(range[1]!);
    const last = date(range[2]!);
    if (last < first) fail(text, 'the range ends before it starts');
    return { first, last };
  }
  const span = /^(\d{4}-\d{2}-\d{2})\+(\d+)d$/.exec(when);
  if (span) {
    const n = Number(span[2]);
    if (n < 1) fail(text, 'a span needs at least 1 day');
    const first = date(span[1]!);
    return { first, last: first + n - 1 };
  }
  const day = date(when);
  return { first: day, last: day };
}

function percent(text: string, kind: ScenarioKind, value: string | undefined, signed: boolean): number {
  const match = value === undefined ? null : /^([+-]?)(\d+(?:\.\d+)?)%$/.exec(value);
  if (!match) fail(text, `"${value ?? ''}" is not a percentage like ${signed ? '+10%' : '5%'}`, kind);
  if (!signed && match[1] === '-') fail(text, 'a share cannot be negative', kind);
  const magnitude = Number(match[2]) / 100;
  const change = match[1] === '-' ? -magnitude : magnitude;
  if (signed && change <= -1) fail(text, 'a change must stay above -100%', kind);
  if (!signed && (change <= 0 || change > 1)) fail(text, 'a share must be above 0% and at most 100%', kind);
  return change;
}

function currency(text: string, kind: ScenarioKind, value: string | undefined): number {
  if (value === undefined || !/^\d{1,9}$/.test(value)) fail(text, `"${value ?? ''}" is not a currency code like 440`, kind);
  return Number(value);
}

function delay(text: string, value: string): number {
  const match = /^(\d+)([dhm])$/.exec(value);
  if (!match) fail(text, `"${value}" is not a delay like 2d, 6h or 30m`, 'late');
  const unit = match[2] === 'd' ? 86_400_000 : match[2] === 'h' ? 3_600_000 : 60_000;
  const ms = Number(match[1]) * unit;
  if (ms <= 0) fail(text, 'the delay must be positive', 'late');
  return ms;
}

/** `[CURRENCY:]±P%`: the currency is optional. */
function currencyAndChange(text: string, kind: ScenarioKind, args: readonly string[]): { currency?: number; change: number } {
  if (args.length === 1) return { change: percent(text, kind, args[0], true) };
  if (args.length === 2) return { currency: currency(text, kind, args[0]), change: percent(text, kind, args[1], true) };
  return fail(text, 'wrong number of arguments', kind);
}

export function parseScenario(text: string): Scenario {
  const at = text.lastIndexOf('@');
  if (at < 0) fail(text, 'no @WHEN');
  const [kind, ...args] = text.slice(0, at).split(':');
  const days = parseWhen(text, text.slice(at + 1));
  switch (kind) {
    case 'fx-shock': {
      if (args.length !== 2) fail(text, 'wrong number of arguments', kind);
      return { kind, currency: currency(text, kind, args[0]), change: percent(text, kind, args[1], true), days, text };
    }
    case 'missing-rates':
      if (args.length !== 1) fail(text, 'wrong number of arguments', kind);
      return { kind, currency: currency(text, kind, args[0]), days, text };
    case 'accounts-surge': {
      const parsed = currencyAndChange(text, kind, args);
      if (parsed.change <= 0) fail(text, 'a surge must be positive (use frequency:-P% to thin a day)', kind);
      return { kind, ...parsed, days, text };
    }
    case 'frequency':
    case 'ticket-size':
      return { kind, ...currencyAndChange(text, kind, args), days, text };
    case 'late': {
      if (args.length < 1 || args.length > 2) fail(text, 'wrong number of arguments', kind);
      return { kind, share: percent(text, kind, args[0], false), delayMs: args[1] === undefined ? 86_400_000 : delay(text, args[1]), days, text };
    }
    case 'redeliveries':
    case 'corrections':
      if (args.length !== 1) fail(text, 'wrong number of arguments', kind);
      return { kind, share: percent(text, kind, args[0], false), days, text };
    case 'poison': {
      if (args.length !== 1) fail(text, 'wrong number of arguments', kind);
      if (/^\d+$/.test(args[0]!)) return { kind, count: Number(args[0]), days, text };
      return { kind, share: percent(text, kind, args[0], false), days, text };
    }
    default:
      return fail(text, `unknown scenario "${kind ?? ''}"; known: ${Object.keys(SCENARIO_SYNTAX).join(', ')}`);
  }
}

/** Everything the scenarios change on one day, resolved once per day. */
export interface DayEffects {
  /** Multiplier of each shocked currency's value in USD. */
  readonly fxFactor: ReadonlyMap<number, number>;
  readonly missingRates: ReadonlySet<number>;
  /** Extra operations by new customers, per currency filter (undefined = any currency). */
  readonly surges: readonly { readonly currency?: number; readonly change: number }[];
  readonly frequencies: readonly { readonly currency?: number; readonly change: number }[];
  readonly tickets: readonly { readonly currency?: number; readonly change: number }[];
  readonly late: readonly { readonly share: number; readonly delayMs: number }[];
  readonly redeliveryShare: number;
  readonly correctionShare: number;
  readonly poisonShare: number;
  readonly poisonCount: number;
}

const covers = (s: Scenario, day: number): boolean => s.days.first <= day && day <= s.days.last;

export function effectsOn(scenarios: readonly Scenario[], day: number): DayEffects {
  const fxFactor = new Map<number, number>();
  const missingRates = new Set<number>();
  const effects = {
    surges: [] as { currency?: number; change: number }[],
    frequencies: [] as { currency?: number; change: number }[],
    tickets: [] as { currency?: number; change: number }[],
    late: [] as { share: number; delayMs: number }[],
    redeliveryShare: 0,
    correctionShare: 0,
    poisonShare: 0,
    poisonCount: 0,
  };
  const filter = (s: { currency?: number; change: number }) => (s.currency === undefined ? { change: s.change } : { currency: s.currency, change: s.change });
  for (const s of scenarios) {
    if (!covers(s, day)) continue;
    switch (s.kind) {
      case 'fx-shock': fxFactor.set(s.currency, (fxFactor.get(s.currency) ?? 1) * (1 + s.change)); break;
      case 'missing-rates': missingRates.add(s.currency); break;
      case 'accounts-surge': effects.surges.push(filter(s)); break;
      case 'frequency': effects.frequencies.push(filter(s)); break;
      case 'ticket-size': effects.tickets.push(filter(s)); break;
      case 'late': effects.late.push({ share: s.share, delayMs: s.delayMs }); break;
      case 'redeliveries': effects.redeliveryShare = Math.min(1, effects.redeliveryShare + s.share); break;
      case 'corrections': effects.correctionShare = Math.min(1, effects.correctionShare + s.share); break;
      case 'poison':
        effects.poisonShare = Math.min(1, effects.poisonShare + (s.share ?? 0));
        effects.poisonCount += s.count ?? 0;
        break;
    }
  }
  return { fxFactor, missingRates, ...effects };
}
