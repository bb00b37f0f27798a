import type { CurrencyRecord, TransactionRecord } from '../../src/contracts/index.js';
import { decimalText, referenceDataQuality, referenceGlobalMetrics, referenceParse, referenceStg, type ReferenceStg } from '../marts/reference.js';
import { unstorableField } from '../staging/stg-storable.js';
import type { Produced } from './pipeline.js';

/**
 * What the pipeline must make of the produced records, computed in the test
 * from the produced bytes alone: the contract's verdict on each value by the
 * reference path production does not run (referenceParse: strict UTF-8,
 * JSON.parse, zod), the STG column limits from the table definitions, then
 * the independent reference of test/marts/reference.ts over the valid records.
 * Nothing here reads what the pipeline wrote.
 */

export type Verdict =
  | { readonly kind: 'row'; readonly record: TransactionRecord | CurrencyRecord }
  | { readonly kind: 'reject'; readonly reason: string; readonly field: string | null; readonly eventDate: string };

/** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z in ms: the years STG's timestamps hold. */
const YEAR_1_MS = -62_135_596_800_000n;
const YEAR_10000_MS = 253_402_300_800_000n;

/** The Kafka timestamp as stg.rejects.kafka_timestamp holds it: the instant in years 0001–9999, else null (docs/feed-contract.md). */
export function stgKafkaTimestamp(ms: bigint): Date | null {
  return ms >= YEAR_1_MS && ms < YEAR_10000_MS ? new Date(Number(ms)) : null;
}

/** A reject's day when the message has no business date: its Kafka timestamp's UTC date, else 1970-01-01. */
function fallbackDay(ms: bigint): string {
  return stgKafkaTimestamp(ms)?.toISOString().slice(0, 10) ?? '1970-01-01';
}

export function verdictOf(record: Produced): Verdict {
  const parsed = referenceParse(record.value);
  if (!parsed.ok) return { kind: 'reject', reason: parsed.reason, field: parsed.field ?? null, eventDate: parsed.eventDate ?? fallbackDay(record.timestamp) };
  const field = unstorableField(JSON.parse(record.value!.toString('utf8')));
  if (field) return { kind: 'reject', reason: 'wrong_type', field, eventDate: parsed.kind === 'TRANSACTION' ? parsed.transactionDate : parsed.dateUpdate };
  return { kind: 'row', record: parsed };
}

export interface Expected {
  readonly verdicts: ReadonlyMap<Produced, Verdict>;
  /** STG by the reference's keep-the-latest rule over the valid records. */
  readonly stg: ReferenceStg;
  readonly globalMetrics: ReturnType<typeof referenceGlobalMetrics>;
  /** `day|metric|dimension|value` rows of cdm.data_quality_daily that the reference covers (not conflicts, not late arrivals). */
  readonly dataQuality: readonly string[];
  /** Days something was loaded for: each must have been built. */
  readonly daysWithData: ReadonlySet<string>;
}

export function expectedOf(produced: readonly Produced[]): Expected {
  const verdicts = new Map(produced.map((p) => [p, verdictOf(p)] as const));
  // STG orders versions by (sent_dttm, offset, partition): the reference breaks sent_dttm ties by list order
  const valid = produced.filter((p) => verdicts.get(p)!.kind === 'row').sort((a, b) => a.offset - b.offset || a.partition - b.partition);
  const stg = referenceStg(valid.map((p) => p.value!));
  const rejects = new Map<string, number>();
  const daysWithData = new Set<string>();
  for (const verdict of verdicts.values()) {
    if (verdict.kind !== 'reject') continue;
    const key = `${verdict.eventDate}|rejects|${verdict.reason}`;
    rejects.set(key, (rejects.get(key) ?? 0) + 1);
    daysWithData.add(verdict.eventDate);
  }
  for (const t of stg.transactions) daysWithData.add(t.transactionDate);
  const dataQuality = [...referenceDataQuality(stg), ...[...rejects].map(([key, n]) => `${key}|${decimalText(BigInt(n) * 100n, 2)}`)].sort();
  return { verdicts, stg, globalMetrics: referenceGlobalMetrics(stg), dataQuality, daysWithData };
}
