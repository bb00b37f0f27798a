import { fixtureRates, rateMessage } from '../marts/marts-support.js';
import { generatedFeed } from '../marts/generator-support.js';
import { fixtureValues, type Landed } from '../staging/landing-support.js';

/**
 * The feed of the kill tests: small, but with every kind of record a chunk
 * or a day can meet. Live-feed fixtures (rates of the history, the .jsonl
 * messages, a few malformed values among them) and five generated days with
 * redeliveries, corrections (conflicts and replaced rows), poison (rejects)
 * and events delivered two days late; a transaction of the fixtures in three
 * versions far apart (a logged conflict re-pointed when a newer version wins
 * later); and, landed last, corrected rates of an earlier day (late rates).
 *
 * `onTime` is landed first, `late` after it: the marts' kill tests build
 * between the two, so a second build rebuilds old days.
 */
export const CRASH_TOPIC = 'transaction-service-input';
export const CRASH_PARTITIONS = 2;
// right after the fixtures' days: a build fills the gap between them, so it stays a few days long
export const GENERATED_DAYS = { from: '2022-10-05', to: '2022-10-09' } as const;
/** The day the `late` scenario delays events of, and the day whose rates are corrected late. */
export const LATE_EVENTS_DAY = '2022-10-06';
export const LATE_RATES_DAY = '2022-10-08';

type Json = Record<string, any>;

export interface CrashFeed {
  readonly onTime: readonly (Buffer | null)[];
  readonly late: readonly (Buffer | null)[];
}

const asJson = (value: Buffer | null): Json | undefined => {
  try {
    return value === null ? undefined : (JSON.parse(value.toString('utf8')) as Json);
  } catch {
    return undefined;
  }
};

export function crashFeed(): CrashFeed {
  const fixtures = fixtureValues();
  const fixtureRateDays = new Set(['2022-10-01', '2022-10-02', '2022-10-03']);
  const rates = fixtureRates()
    .filter((r) => fixtureRateDays.has(r.dateUpdate))
    .map(rateMessage);
  const generated = generatedFeed({
    ...GENERATED_DAYS,
    transactionsPerDay: 40,
    seed: 17,
    scenarios: ['redeliveries:10%@2022-10-06..2022-10-08', 'corrections:8%@2022-10-05..2022-10-09', 'poison:6@2022-10-07', `late:25%:2d@${LATE_EVENTS_DAY}`],
  });
  // events delivered late (sent long after their own time) form the second batch
  const isLate = (value: Buffer): boolean => {
    const m = asJson(value);
    if (m?.object_type !== 'TRANSACTION') return false;
    return Date.parse(`${String(m.sent_dttm).replace(' ', 'T')}Z`) - Date.parse(`${String(m.payload.transaction_dt).replace(' ', 'T')}Z`) > 86_400_000;
  };

  const base = asJson(fixtures.find((v) => asJson(v)?.object_type === 'TRANSACTION' && asJson(v)?.payload.status === 'done')!)!;
  const version = (sent: string, amountDelta: number): Buffer => {
    const m = structuredClone(base);
    m.object_id = m.payload.operation_id = '00000000-0000-4000-8000-00000000c0de';
    m.sent_dttm = sent;
    m.payload.amount = Number(base.payload.amount) + amountDelta;
    return Buffer.from(JSON.stringify(m));
  };
  const malformed = [null, Buffer.from('hello, kafka'), Buffer.from([0x7b, 0xc3, 0x28, 0x7d])];

  const lateRates = generated
    .map(asJson)
    .filter((m): m is Json => m?.object_type === 'CURRENCY' && String(m.payload.date_update).startsWith(LATE_RATES_DAY))
    .slice(0, 12)
    .map((m) => Buffer.from(JSON.stringify({ ...m, sent_dttm: '2022-10-13T00:00:00', payload: { ...m.payload, currency_with_div: Math.round(m.payload.currency_with_div * 1.03 * 1e6) / 1e6 } })));

  const onTime: (Buffer | null)[] = [
    ...rates,
    ...fixtures.slice(0, 40),
    version('2022-10-01T10:00:00', 500), // V1: kept at first
    ...malformed,
    ...fixtures.slice(40),
    ...generated.filter((v) => !isLate(v)).slice(0, 300),
    version('2022-10-01T09:00:00', 700), // V0: older, different: a conflict that loses to V1
    ...generated.filter((v) => !isLate(v)).slice(300),
  ];
  const late = [
    ...generated.filter(isLate),
    version('2022-10-01T11:00:00', 900), // V2: newest, replaces V1, V0's conflict is re-pointed
    ...lateRates,
  ];
  return { onTime, late };
}

/**
 * Kafka's placement for a producer keyed by the natural key: every version of
 * an (operation, status) and of a (day, currency pair) on one partition, in
 * order; values that are not JSON anywhere. Offsets count on from `next`.
 */
export function placeByKey(values: readonly (Buffer | null)[], next: number[] = new Array<number>(CRASH_PARTITIONS).fill(0)): Landed[] {
  return values.map((value, i) => {
    const m = asJson(value);
    const key =
      m?.object_type === 'TRANSACTION'
        ? String(m.payload?.operation_id)
        : m?.object_type === 'CURRENCY'
          ? `${String(m.payload?.date_update).slice(0, 10)}|${m.payload?.currency_code}|${m.payload?.currency_code_with}`
          : `unkeyed-${i}`;
    const partition = hash(key) % CRASH_PARTITIONS;
    const offset = next[partition]!;
    next[partition] = offset + 1;
    return { topic: CRASH_TOPIC, partition, offset, value };
  });
}

/** Values in an order the reference may read as "landing order": partition by partition, each in offset order. */
export function referenceOrder(landed: readonly Landed[]): Buffer[] {
  return [...landed]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .flatMap((l) => (l.value === null ? [] : [l.value]));
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

