import { ReconciliationError } from '../errors.js';
import { partitionName, type LandedPartition } from '../landing/index.js';
import type { ChunkCounts } from './types.js';

/** The chunk being proven: its partition and offset range. */
export interface ChunkRange extends LandedPartition {
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/** What the plan says the chunk writes. */
export interface PlannedWrites {
  readonly counts: ChunkCounts;
  readonly transactionsWritten: number;
  readonly transactionsReplaced: number;
  readonly currenciesWritten: number;
  readonly currenciesReplaced: number;
}

/** What the databases themselves reported while a chunk was written. */
export interface ObservedWrites {
  /** The landing zone's count of records in the chunk's offset range. */
  readonly landed: number;
  readonly transactionsCopied: number;
  readonly currenciesCopied: number;
  readonly rejectsCopied: number;
  readonly transactionsDeleted: number;
  readonly currenciesDeleted: number;
}

/**
 * Proves a chunk before its transaction commits: every landed record of the
 * range is accounted for exactly once (landed = inserted + updated +
 * duplicates + rejected), and the row counts the warehouse reported match
 * the plan. Any difference throws, so the transaction rolls back and the
 * watermark does not move.
 */
export function reconcile(chunk: ChunkRange, plan: PlannedWrites, observed: ObservedWrites): void {
  const c = plan.counts;
  const outcomes = c.inserted + c.updated + c.duplicates + c.rejected;
  const problems: string[] = [];
  if (observed.landed !== outcomes) {
    problems.push(`landing holds ${observed.landed} records in offsets ${chunk.firstOffset}..${chunk.lastOffset} but ${outcomes} were accounted for (inserted ${c.inserted} + updated ${c.updated} + duplicates ${c.duplicates} + rejected ${c.rejected})`);
  }
  if (c.read !== observed.landed) problems.push(`read ${c.read} records, landing holds ${observed.landed}`);
  const expect = (what: string, planned: number, actual: number): void => {
    if (planned !== actual) problems.push(`${what}: planned ${planned}, the warehouse reported ${actual}`);
  };
  expect('transactions written', plan.transactionsWritten, observed.transactionsCopied);
  expect('transactions replaced', plan.transactionsReplaced, observed.transactionsDeleted);
  expect('currencies written', plan.currenciesWritten, observed.currenciesCopied);
  expect('currencies replaced', plan.currenciesReplaced, observed.currenciesDeleted);
  expect('rejects written', c.rejected, observed.rejectsCopied);
  if (problems.length > 0) {
    throw new ReconciliationError(`chunk ${partitionName(chunk)} offsets ${chunk.firstOffset}..${chunk.lastOffset} does not reconcile, rolled back: ${problems.join('; ')}`);
  }
}
