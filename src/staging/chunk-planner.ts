import type { ConflictRow, Coordinates, CurrencyRow, RejectRow, TouchedKind, TransactionRow } from './types.js';
import { currencyKey, transactionKey } from './types.js';

/** Parsing lives in chunk-builder.ts; re-exported for callers that plan what they parse. */
export { parseChunk, type ParsedChunk } from './chunk-builder.js';

/**
 * The dedup and conflict rules of SPEC §3, as pure functions of one chunk
 * and the STG rows its keys already have. No I/O: the chunk writer fetches
 * the stored rows (or proves there are none) and writes the plan, in one
 * warehouse transaction.
 *
 * Rules, per natural key:
 * - versions are ordered by (sent_dttm, incarnation, offset, partition,
 *   topic): STG keeps the greatest, so the stored row never depends on how
 *   the backlog was cut into chunks (a later incarnation of a recreated topic
 *   is later, whatever its offsets);
 * - a version with the same payload as the stored one is a duplicate (an
 *   exact redelivery collapses; if it is newer the row only moves to its
 *   coordinates);
 * - a version with a different payload is a conflict: the loser (older
 *   incoming, or the stored row it replaces) is logged in
 *   stg.transaction_conflicts, pointing at the version kept.
 * Versions of a chunk are folded in offset order, exactly as if each record
 * were its own chunk: chunk size 1 and chunk size 10,000 give the same STG.
 */

/** Outcome counts of one kind of row (the chunk's counts are their sum plus the rejects). */
export interface OutcomeCounts {
  inserted: number;
  updated: number;
  duplicates: number;
}

export interface TransactionPlan {
  /** Rows to insert; those whose key is in `replaced` replace a stored row (delete first). */
  readonly writes: TransactionRow[];
  readonly replaced: TransactionRow[];
  readonly conflicts: ConflictRow[];
  /** Days (kind `transactions`) this plan touches. */
  readonly touchedDays: string[];
  readonly counts: OutcomeCounts;
}

export interface CurrencyPlan {
  readonly writes: CurrencyRow[];
  readonly replaced: CurrencyRow[];
  readonly touchedDays: string[];
  readonly counts: OutcomeCounts;
}

/** True when `a` is a later version than `b`: (sent_dttm, incarnation, offset, partition, topic). */
export function isNewer(a: { sentDttm: string } & Coordinates, b: { sentDttm: string } & Coordinates): boolean {
  if (a.sentDttm !== b.sentDttm) return a.sentDttm > b.sentDttm;
  if (a.incarnation !== b.incarnation) return a.incarnation > b.incarnation;
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

/** One key's state during a fold: the version it holds now, the stored one it started from, whether the row changes. */
export class KeyState<V> {
  constructor(
    public current: V,
    readonly stored: V | undefined,
    public changed: boolean,
  ) {}
}

const NOTHING_STORED: ReadonlyMap<string, never> = new Map<string, never>();

/** How the fold reads a transaction version, whatever holds it (row objects, or encoded tuples in a parse worker). */
export interface VersionOps<V> {
  key(version: V): string;
  /** True when `a` is a later version than `b`: (sent_dttm, incarnation, offset, partition, topic). */
  newer(a: V, b: V): boolean;
  samePayload(a: V, b: V): boolean;
}

/** The fold's outcome: keys whose stored row changes, and the conflict losers. */
export interface Fold<V> {
  /** Per changed key (same index in both): the version to store, and the stored one it replaces (undefined: a new key). */
  readonly current: V[];
  readonly stored: (V | undefined)[];
  /** Per conflict: the version finally kept for the key, and the other version. */
  readonly losers: { readonly kept: V; readonly other: V }[];
  readonly counts: OutcomeCounts;
}

/** What a fold collects while it steps through keys; `fold()` reads the outcome once every key is done. */
export class FoldCollector<V> {
  readonly counts: OutcomeCounts = { inserted: 0, updated: 0, duplicates: 0 };
  readonly #current: V[] = [];
  readonly #stored: (V | undefined)[] = [];
  readonly #losers: { state: KeyState<V>; other: V }[] = [];

  /** A key's first version when nothing is stored under it: a new row. */
  fresh(): void {
    this.counts.inserted += 1;
  }

  /**
   * The rules of SPEC §3 for one more version of a key already held: an equal
   * payload is a duplicate (the row moves to it when it is newer); a different
   * one is a conflict whose loser is logged, and it wins (an update) when newer.
   */
  step(state: KeyState<V>, version: V, ops: VersionOps<V>): void {
    const newer = ops.newer(version, state.current);
    if (ops.samePayload(version, state.current)) {
      this.counts.duplicates += 1;
      if (newer) {
        state.current = version;
        state.changed = true;
      }
    } else if (newer) {
      this.#losers.push({ state, other: state.current });
      this.counts.updated += 1;
      state.current = version;
      state.changed = true;
    } else {
      this.#losers.push({ state, other: version });
      this.counts.duplicates += 1;
    }
  }

  /** A key is done: its row is written if it changed. */
  close(current: V, stored: V | undefined, changed: boolean): void {
    if (!changed) return;
    this.#current.push(current);
    this.#stored.push(stored);
  }

  fold(): Fold<V> {
    return { current: this.#current, stored: this.#stored, losers: this.#losers.map(({ state, other }) => ({ kept: state.current, other })), counts: this.counts };
  }
}

/**
 * The transaction rules over versions in offset order, keys interleaved:
 * each key's state lives in a map until every version has been seen.
 */
export function foldVersions<V>(versions: readonly V[], stored: ReadonlyMap<string, V>, ops: VersionOps<V>): Fold<V> {
  const collector = new FoldCollector<V>();
  // a key seen once and not stored holds just its version (most keys: no state object per row)
  const states = new Map<string, V | KeyState<V>>();
  const checkStored = stored.size > 0;
  for (const version of versions) {
    const key = ops.key(version);
    const seen = states.get(key);
    let state: KeyState<V>;
    if (seen === undefined) {
      const before = checkStored ? stored.get(key) : undefined;
      if (before === undefined) {
        states.set(key, version);
        collector.fresh();
        continue;
      }
      state = new KeyState(before, before, false);
      states.set(key, state);
    } else if (seen instanceof KeyState) {
      state = seen;
    } else {
      state = new KeyState(seen, undefined, true);
      states.set(key, state);
    }
    collector.step(state, version, ops);
  }
  for (const state of states.values()) {
    if (state instanceof KeyState) collector.close(state.current, state.stored, state.changed);
    else collector.close(state, undefined, true);
  }
  return collector.fold();
}

const ROW_OPS: VersionOps<TransactionRow> = { key: transactionKey, newer: isNewer, samePayload };

/** The fold over row objects, as the rows and days to write. */
export function planTransactions(versions: readonly TransactionRow[], stored: ReadonlyMap<string, TransactionRow> = NOTHING_STORED): TransactionPlan {
  const fold = foldVersions(versions, stored, ROW_OPS);
  const days = new Set<string>();
  const writes: TransactionRow[] = [];
  const replaced: TransactionRow[] = [];
  for (let i = 0; i < fold.current.length; i++) {
    const current = fold.current[i]!;
    const before = fold.stored[i];
    writes.push(current);
    days.add(current.transactionDate);
    if (before) {
      replaced.push(before);
      days.add(before.transactionDate);
    }
  }
  const conflicts: ConflictRow[] = fold.losers.map(({ kept, other }) => {
    days.add(kept.transactionDate);
    return {
      operationId: kept.operationId,
      status: kept.status,
      transactionDate: kept.transactionDate,
      keptIncarnation: kept.incarnation,
      keptPartition: kept.partition,
      keptOffset: kept.offset,
      otherIncarnation: other.incarnation,
      otherPartition: other.partition,
      otherOffset: other.offset,
    };
  });
  return { writes, replaced, conflicts, touchedDays: [...days], counts: fold.counts };
}

/** The same fold for rates: a different rate under the same key simply wins when newer. */
export function planCurrencies(versions: readonly CurrencyRow[], stored: ReadonlyMap<string, CurrencyRow> = NOTHING_STORED): CurrencyPlan {
  const counts: OutcomeCounts = { inserted: 0, updated: 0, duplicates: 0 };
  const states = new Map<string, KeyState<CurrencyRow>>();
  for (const version of versions) {
    const key = currencyKey(version);
    let state = states.get(key);
    if (!state) {
      const before = stored.get(key);
      if (!before) {
        states.set(key, new KeyState(version, undefined, true));
        counts.inserted += 1;
        continue;
      }
      state = new KeyState(before, before, false);
      states.set(key, state);
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
  const writes: CurrencyRow[] = [];
  const replaced: CurrencyRow[] = [];
  const days = new Set<string>();
  for (const state of states.values()) {
    if (!state.changed) continue;
    writes.push(state.current);
    days.add(state.current.dateUpdate);
    if (state.stored) replaced.push(state.stored);
  }
  return { writes, replaced, touchedDays: [...days], counts };
}

/** The days a chunk touches, per kind, in a stable order (the order the queue is written in). */
export function touchedDays(rejects: readonly RejectRow[], transactionDays: readonly string[], currencyDays: readonly string[]): { day: string; kind: TouchedKind }[] {
  const touched = new Map<string, { day: string; kind: TouchedKind }>();
  const touch = (day: string, kind: TouchedKind): void => {
    touched.set(`${day}|${kind}`, { day, kind });
  };
  for (const reject of rejects) touch(reject.eventDate, 'transactions');
  for (const day of transactionDays) touch(day, 'transactions');
  for (const day of currencyDays) touch(day, 'currencies');
  return [...touched.values()].sort((a, b) => (a.day + a.kind < b.day + b.kind ? -1 : 1));
}

/** Existing conflict rows of a replaced key now point at the new winner. */
export function repointConflicts(
  existing: readonly ConflictRow[],
  winners: ReadonlyMap<string, { readonly transactionDate: string; readonly incarnation: number; readonly partition: number; readonly offset: number }>,
): ConflictRow[] {
  return existing.map((row) => {
    const kept = winners.get(transactionKey(row));
    return kept ? { ...row, transactionDate: kept.transactionDate, keptIncarnation: kept.incarnation, keptPartition: kept.partition, keptOffset: kept.offset } : row;
  });
}
