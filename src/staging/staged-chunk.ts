import { planTransactions, type OutcomeCounts, type ParsedChunk, type TransactionPlan } from './chunk-planner.js';
import { transactionValues } from './stg-columns.js';
import type { LandedChunk } from '../landing/index.js';
import type { ConflictRow, CurrencyRow, RejectRow, TransactionRow } from './types.js';
import { transactionKey } from './types.js';

/**
 * A parsed chunk as the chunk writer sees it. Its transaction versions may
 * live in a worker thread (parser-pool.ts), so the writer asks for plans
 * instead of holding rows: the plan that assumes none of the chunk's keys is
 * stored yet (computed ahead, while the previous chunk is written), the keys
 * for a lookup, and the plan given the stored rows the lookup found. Both
 * plans come from the same fold (`planTransactions`), in-thread or not.
 */

/** Rows for one bulk load: in hand (any dialect) or pre-encoded in the warehouse's `copyEncoding`. */
export type BulkRows = { readonly count: number; readonly rows: readonly (readonly unknown[])[] } | { readonly count: number; readonly encoded: Uint8Array };

/** A chunk's transaction plan, as the writer applies it. */
export interface TransactionWrites {
  readonly counts: OutcomeCounts;
  readonly conflicts: readonly ConflictRow[];
  /** Days (kind `transactions`) the plan touches. */
  readonly touchedDays: readonly string[];
  /** Winners to insert into stg.transactions. */
  readonly writes: BulkRows;
  /** Keys (operation_id, status) of stored rows that winners replace: deleted first. */
  readonly replaced: BulkRows;
  /** The winners of the replaced keys: conflicts logged earlier for those keys are re-pointed at them. */
  readonly replacedWinners: readonly Winner[];
}

/** What re-pointing a logged conflict needs of the version now kept. */
export interface Winner {
  readonly operationId: string;
  readonly status: string;
  readonly transactionDate: string;
  readonly incarnation: number;
  readonly partition: number;
  readonly offset: number;
}

/** Stored versions of a chunk's keys as a lookup returned them: row objects by key, or tuples in the warehouse's copyEncoding. */
export type StoredTransactions = { readonly rows: ReadonlyMap<string, TransactionRow> } | { readonly encoded: Uint8Array; readonly count: number };

export interface StagedChunk {
  readonly topic: string;
  readonly incarnation: number;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** Records handed to the parser (the reconciliation's left-hand side). */
  readonly read: number;
  readonly currencies: readonly CurrencyRow[];
  readonly rejects: readonly RejectRow[];
  /** Parsed transaction versions (before dedup). */
  readonly transactionVersions: number;
  /** The plan when none of the chunk's transaction keys is stored yet. */
  fresh(): Promise<TransactionWrites>;
  /** The chunk's distinct transaction keys (TRANSACTION_KEY_COLUMNS), for the stored-row lookup. */
  keys(): Promise<BulkRows>;
  /** How `planWith` prefers the stored versions: `encoded` takes the tuples of a binary lookup as they come. */
  readonly storedAs: 'rows' | 'encoded';
  /** The plan given the stored versions of the chunk's keys. */
  planWith(stored: StoredTransactions): Promise<TransactionWrites>;
  /** Frees what the chunk holds. */
  release(): void;
}

/** Turns landed chunks into staged ones (in this thread, or in workers). */
export interface ChunkParser {
  parse(chunk: LandedChunk, options: { readonly loseOneRecord: boolean }): Promise<StagedChunk>;
  close(): Promise<void>;
}

const keyValues = (r: TransactionRow): unknown[] => [r.operationId, r.status];

/** A fold's plan in the writer's terms, rows in hand. */
function transactionWrites(plan: TransactionPlan): TransactionWrites {
  const replacedKeys = new Set(plan.replaced.map(transactionKey));
  return {
    counts: plan.counts,
    conflicts: plan.conflicts,
    touchedDays: plan.touchedDays,
    writes: { count: plan.writes.length, rows: plan.writes.map(transactionValues) },
    replaced: { count: plan.replaced.length, rows: plan.replaced.map(keyValues) },
    replacedWinners: replacedKeys.size === 0 ? [] : plan.writes.filter((w) => replacedKeys.has(transactionKey(w))),
  };
}

/** Distinct keys of a chunk's versions, in first-seen order. */
function distinctKeys(versions: readonly TransactionRow[]): BulkRows {
  const seen = new Map<string, TransactionRow>();
  for (const version of versions) {
    const key = transactionKey(version);
    if (!seen.has(key)) seen.set(key, version);
  }
  return { count: seen.size, rows: [...seen.values()].map(keyValues) };
}

/** A chunk whose rows are in this thread (the Vertica path, and tests). */
export function inlineChunk(chunk: ParsedChunk): StagedChunk {
  return {
    topic: chunk.topic,
    incarnation: chunk.incarnation,
    partition: chunk.partition,
    firstOffset: chunk.firstOffset,
    lastOffset: chunk.lastOffset,
    read: chunk.read,
    currencies: chunk.currencies,
    rejects: chunk.rejects,
    transactionVersions: chunk.transactions.length,
    fresh: async () => transactionWrites(planTransactions(chunk.transactions)),
    keys: async () => distinctKeys(chunk.transactions),
    storedAs: 'rows',
    planWith: async (stored) => {
      if (!('rows' in stored)) throw new TypeError('an in-thread chunk plans with stored rows, not encoded tuples');
      return transactionWrites(planTransactions(chunk.transactions, stored.rows));
    },
    release: () => undefined,
  };
}
