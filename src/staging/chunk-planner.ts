import { parseMessage } from '../contracts/index.js';
import type {
  ChunkCounts,
  ConflictRow,
  Coordinates,
  CurrencyRow,
  LandedRecord,
  RejectRow,
  TouchedKind,
  TransactionRow,
} from './types.js';
import { currencyKey, transactionKey, transactionRow } from './types.js';

/**
 * The dedup and conflict rules of SPEC §3, as a pure function of one chunk and
 * the STG rows its keys already have. No I/O: the chunk writer fetches the
 * existing rows and writes the plan, in one warehouse transaction.
 *
 * Rules, per natural key:
 * - versions are ordered by (sent_dttm, offset, partition, topic): STG keeps
 *   the greatest, so the stored row never depends on how the backlog was cut
 *   into chunks;
 * - a version with the same payload as the stored one is a duplicate (an
 *   exact redelivery collapses; if it is newer the row only moves to its
 *   coordinates);
 * - a version with a different payload is a conflict: the loser (older
 *   incoming, or the stored row it replaces) is logged in
 *   stg.transaction_conflicts, pointing at the version kept.
 * Versions of a chunk are folded in offset order, exactly as if each record
 * were its own chunk: chunk size 1 and chunk size 10,000 give the same STG.
 */

export interface ParsedChunk {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** Records handed to the parser (the reconciliation's left-hand side). */
  readonly read: number;
  readonly transactions: readonly TransactionRow[];
  readonly currencies: readonly CurrencyRow[];
  readonly rejects: readonly RejectRow[];
}

export interface ExistingRows {
  readonly transactions: ReadonlyMap<string, TransactionRow>;
  readonly currencies: ReadonlyMap<string, CurrencyRow>;
}

export interface ChunkPlan {
  /** Rows to insert; those whose key is in `replacedTransactions` replace a stored row (delete first). */
  readonly transactionWrites: TransactionRow[];
  readonly replacedTransactions: TransactionRow[];
  readonly currencyWrites: CurrencyRow[];
  readonly replacedCurrencies: CurrencyRow[];
  readonly conflicts: ConflictRow[];
  readonly rejects: readonly RejectRow[];
  readonly touched: { day: string; kind: TouchedKind }[];
  readonly counts: ChunkCounts;
}

const utcDate = (at: Date): string => at.toISOString().slice(0, 10);

/** Parses every record of a chunk with the contract parser; nothing is dropped. */
export function parseChunk(records: readonly LandedRecord[]): ParsedChunk {
  const transactions: TransactionRow[] = [];
  const currencies: CurrencyRow[] = [];
  const rejects: RejectRow[] = [];
  for (const record of records) {
    const result = parseMessage(record.value);
    if (!result.ok) {
      rejects.push({
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        reason: result.reason,
        field: result.field ?? null,
        detail: result.detail,
        key: record.key,
        value: record.value,
        kafkaTimestamp: record.kafkaTimestamp,
        eventDate: result.eventDate ?? utcDate(record.kafkaTimestamp),
      });
    } else if (result.kind === 'TRANSACTION') {
      transactions.push(transactionRow(result, record));
    } else {
      currencies.push({
        dateUpdate: result.dateUpdate,
        currencyCode: result.currencyCode,
        currencyCodeWith: result.currencyCodeWith,
        currencyWithDiv: roundRate(result.currencyWithDiv),
        sentDttm: result.sentDttm,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
      });
    }
  }
  const first = records[0];
  const last = records[records.length - 1];
  return {
    topic: first?.topic ?? '',
    partition: first?.partition ?? -1,
    firstOffset: first?.offset ?? -1,
    lastOffset: last?.offset ?? -1,
    read: records.length,
    transactions,
    currencies,
    rejects,
  };
}

/** `numeric(20,6)`: what the column stores, so stored and incoming rates compare equal. */
export function roundRate(rate: number): number {
  return Math.round(rate * 1e6) / 1e6;
}

/** True when `a` is a later version than `b`: (sent_dttm, offset, partition, topic). */
export function isNewer(a: { sentDttm: string } & Coordinates, b: { sentDttm: string } & Coordinates): boolean {
  if (a.sentDttm !== b.sentDttm) return a.sentDttm > b.sentDttm;
  if (a.offset !== b.offset) return a.offset > b.offset;
  if (a.partition !== b.partition) return a.partition > b.partition;
  return a.topic > b.topic;
}

function samePayload(a: TransactionRow, b: TransactionRow): boolean {
  return (
    a.objectId === b.objectId &&
    a.accountNumberFrom === b.accountNumberFrom &&
    a.accountNumberTo === b.accountNumberTo &&
    a.currencyCode === b.currencyCode &&
    a.country === b.country &&
    a.transactionType === b.transactionType &&
    a.amount === b.amount &&
    a.transactionDt === b.transactionDt
  );
}

interface KeyState<R> {
  current: R;
  readonly stored: R | undefined;
  changed: boolean;
}

export function planChunk(chunk: ParsedChunk, existing: ExistingRows): ChunkPlan {
  const counts: ChunkCounts = { read: chunk.read, inserted: 0, updated: 0, duplicates: 0, rejected: chunk.rejects.length, conflicts: 0 };
  const touched = new Map<string, { day: string; kind: TouchedKind }>();
  const touch = (day: string, kind: TouchedKind): void => {
    touched.set(`${day}|${kind}`, { day, kind });
  };
  for (const reject of chunk.rejects) touch(reject.eventDate, 'transactions');

  // transactions: fold every version into its key's state, in offset order
  const txStates = new Map<string, KeyState<TransactionRow>>();
  const losers: { key: string; other: Coordinates }[] = [];
  for (const version of chunk.transactions) {
    const key = transactionKey(version);
    let state = txStates.get(key);
    if (!state) {
      const stored = existing.transactions.get(key);
      if (!stored) {
        txStates.set(key, { current: version, stored: undefined, changed: true });
        counts.inserted += 1;
        continue;
      }
      state = { current: stored, stored, changed: false };
      txStates.set(key, state);
    }
    const newer = isNewer(version, state.current);
    if (samePayload(version, state.current)) {
      counts.duplicates += 1;
      if (newer) {
        state.current = version;
        state.changed = true;
      }
    } else if (newer) {
      losers.push({ key, other: state.current });
      counts.updated += 1;
      state.current = version;
      state.changed = true;
    } else {
      losers.push({ key, other: version });
      counts.duplicates += 1;
    }
  }

  const transactionWrites: TransactionRow[] = [];
  const replacedTransactions: TransactionRow[] = [];
  for (const state of txStates.values()) {
    if (!state.changed) continue;
    transactionWrites.push(state.current);
    touch(state.current.transactionDate, 'transactions');
    if (state.stored) {
      replacedTransactions.push(state.stored);
      touch(state.stored.transactionDate, 'transactions');
    }
  }
  const conflicts: ConflictRow[] = losers.map(({ key, other }) => {
    const kept = txStates.get(key)!.current;
    touch(kept.transactionDate, 'transactions');
    return {
      operationId: kept.operationId,
      status: kept.status,
      transactionDate: kept.transactionDate,
      keptPartition: kept.partition,
      keptOffset: kept.offset,
      otherPartition: other.partition,
      otherOffset: other.offset,
    };
  });
  counts.conflicts = conflicts.length;

  // currencies: the same fold; a different rate under the same key simply wins when newer
  const curStates = new Map<string, KeyState<CurrencyRow>>();
  for (const version of chunk.currencies) {
    const key = currencyKey(version);
    let state = curStates.get(key);
    if (!state) {
      const stored = existing.currencies.get(key);
      if (!stored) {
        curStates.set(key, { current: version, stored: undefined, changed: true });
        counts.inserted += 1;
        continue;
      }
      state = { current: stored, stored, changed: false };
      curStates.set(key, state);
    }
    const newer = isNewer(version, state.current);
    if (version.currencyWithDiv === state.current.currencyWithDiv) {
      counts.duplicates += 1;
    } else if (newer) {
      counts.updated += 1;
    } else {
      counts.duplicates += 1;
    }
    if (newer) {
      state.current = version;
      state.changed = true;
    }
  }
  const currencyWrites: CurrencyRow[] = [];
  const replacedCurrencies: CurrencyRow[] = [];
  for (const state of curStates.values()) {
    if (!state.changed) continue;
    currencyWrites.push(state.current);
    touch(state.current.dateUpdate, 'currencies');
    if (state.stored) replacedCurrencies.push(state.stored);
  }

  return {
    transactionWrites,
    replacedTransactions,
    currencyWrites,
    replacedCurrencies,
    conflicts,
    rejects: chunk.rejects,
    touched: [...touched.values()].sort((a, b) => (a.day + a.kind < b.day + b.kind ? -1 : 1)),
    counts,
  };
}

/** Existing conflict rows of a replaced key now point at the new winner. */
export function repointConflicts(existing: readonly ConflictRow[], winners: ReadonlyMap<string, TransactionRow>): ConflictRow[] {
  return existing.map((row) => {
    const kept = winners.get(transactionKey(row));
    return kept ? { ...row, transactionDate: kept.transactionDate, keptPartition: kept.partition, keptOffset: kept.offset } : row;
  });
}
