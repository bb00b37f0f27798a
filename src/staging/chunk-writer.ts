import { ConflictError } from '../errors.js';
import type { CopyResult, Warehouse, WarehouseConnection, WarehouseSession } from '../warehouse/index.js';
import { planChunk, repointConflicts, roundRate, type ChunkPlan, type ParsedChunk } from './chunk-planner.js';
import { reconcile } from './reconciliation.js';
import {
  CONFLICT_COLUMNS,
  conflictValues,
  CURRENCY_COLUMNS,
  CURRENCY_KEY_COLUMNS,
  currencyValues,
  REJECT_COLUMNS,
  rejectValues,
  TRANSACTION_COLUMNS,
  TRANSACTION_KEY_COLUMNS,
  transactionValues,
} from './stg-columns.js';
import type { ChunkCounts, ConflictRow, CurrencyRow, TransactionRow } from './types.js';
import { currencyKey, transactionKey } from './types.js';

const WORK_TABLES = [
  'stg_create_chunk_transaction_keys',
  'stg_create_chunk_currency_keys',
  'stg_create_chunk_replaced_transactions',
  'stg_create_chunk_replaced_currencies',
] as const;

type Row = Record<string, unknown>;

const toTransaction = (r: Row): TransactionRow => ({
  operationId: String(r.operation_id),
  status: String(r.status),
  objectId: String(r.object_id),
  accountNumberFrom: Number(r.account_number_from),
  accountNumberTo: Number(r.account_number_to),
  currencyCode: Number(r.currency_code),
  country: String(r.country),
  transactionType: String(r.transaction_type),
  amount: Number(r.amount),
  transactionDt: String(r.transaction_dt),
  transactionDate: String(r.transaction_date),
  sentDttm: String(r.sent_dttm),
  topic: String(r.src_topic),
  partition: Number(r.src_partition),
  offset: Number(r.src_offset),
});

const toCurrency = (r: Row): CurrencyRow => ({
  dateUpdate: String(r.date_update),
  currencyCode: Number(r.currency_code),
  currencyCodeWith: Number(r.currency_code_with),
  currencyWithDiv: roundRate(Number(r.currency_with_div)),
  sentDttm: String(r.sent_dttm),
  topic: String(r.src_topic),
  partition: Number(r.src_partition),
  offset: Number(r.src_offset),
});

const toConflict = (r: Row): ConflictRow => ({
  operationId: String(r.operation_id),
  status: String(r.status),
  transactionDate: String(r.transaction_date),
  keptPartition: Number(r.kept_partition),
  keptOffset: Number(r.kept_offset),
  otherPartition: Number(r.other_partition),
  otherOffset: Number(r.other_offset),
});

function distinct<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

const refused = (result: CopyResult): string[] => result.rejected.map((r) => `row ${r.row}: ${r.reason}`);

/**
 * Writes one parsed chunk into STG in one warehouse transaction: rows,
 * rejects, conflicts, touched days and the partition's watermark commit
 * together or not at all. This is the whole exactly-once argument of the
 * loader: the watermark says which landed records STG already contains, and
 * it can only move in the transaction that adds them (docs/staging.md).
 */
export class ChunkWriter {
  private constructor(
    private readonly warehouse: Warehouse,
    private readonly connection: WarehouseConnection,
  ) {}

  /** Opens the loader's dedicated connection and creates its session work tables (DDL: outside any chunk). */
  static async open(warehouse: Warehouse): Promise<ChunkWriter> {
    const connection = await warehouse.connect();
    try {
      for (const name of WORK_TABLES) await connection.query(warehouse.sql(name));
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    return new ChunkWriter(warehouse, connection);
  }

  /** Committed watermarks: next offset to load per `topic|partition`. */
  async watermarks(): Promise<Map<string, number>> {
    const { rows } = await this.connection.query<{ topic: string; partition_id: number; next_offset: string | number }>(this.warehouse.sql('stg_select_load_state'));
    return new Map(rows.map((r) => [`${r.topic}|${Number(r.partition_id)}`, Number(r.next_offset)]));
  }

  /**
   * @param expectedNext the watermark this loader read before the chunk (null: none yet);
   *   if another loader moved it meanwhile, the chunk is refused (ConflictError).
   * @param landed the landing zone's own count of the chunk's offset range.
   */
  async write(chunk: ParsedChunk, expectedNext: number | null, landed: number): Promise<ChunkCounts> {
    return this.connection.transaction(async (session) => {
      await session.query(this.warehouse.sql('stg_lock_load_state'));
      await this.#checkWatermark(session, chunk, expectedNext);
      const plan = await this.#plan(session, chunk);
      const observed = await this.#apply(session, plan);
      reconcile(chunk, plan, { landed, ...observed });
      await session.query(this.warehouse.sql('stg_save_load_state'), [chunk.topic, chunk.partition, chunk.lastOffset + 1]);
      return plan.counts;
    });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  async #checkWatermark(session: WarehouseSession, chunk: ParsedChunk, expectedNext: number | null): Promise<void> {
    const { rows } = await session.query<{ next_offset: string | number }>(this.warehouse.sql('stg_select_partition_watermark'), [chunk.topic, chunk.partition]);
    const committed = rows[0] === undefined ? null : Number(rows[0].next_offset);
    if (committed !== expectedNext) {
      throw new ConflictError(
        `the watermark of ${chunk.topic}/${chunk.partition} is ${committed ?? 'unset'}, expected ${expectedNext ?? 'unset'}: another load-stg is loading this warehouse`,
      );
    }
  }

  async #plan(session: WarehouseSession, chunk: ParsedChunk): Promise<ChunkPlan> {
    const transactions = new Map<string, TransactionRow>();
    const currencies = new Map<string, CurrencyRow>();
    if (chunk.transactions.length > 0) {
      const keys = distinct(chunk.transactions, transactionKey);
      await session.copyInto('chunk_transaction_keys', TRANSACTION_KEY_COLUMNS, keys.map((k) => [k.operationId, k.status]));
      const { rows } = await session.query<Row>(this.warehouse.sql('stg_select_existing_transactions'));
      for (const row of rows) {
        const stored = toTransaction(row);
        transactions.set(transactionKey(stored), stored);
      }
    }
    if (chunk.currencies.length > 0) {
      const keys = distinct(chunk.currencies, currencyKey);
      await session.copyInto('chunk_currency_keys', CURRENCY_KEY_COLUMNS, keys.map((k) => [k.dateUpdate, k.currencyCode, k.currencyCodeWith]));
      const { rows } = await session.query<Row>(this.warehouse.sql('stg_select_existing_currencies'));
      for (const row of rows) {
        const stored = toCurrency(row);
        currencies.set(currencyKey(stored), stored);
      }
    }
    return planChunk(chunk, { transactions, currencies });
  }

  async #apply(session: WarehouseSession, plan: ChunkPlan) {
    const copyRejected: string[] = [];
    let transactionsDeleted = 0;
    let currenciesDeleted = 0;
    const conflicts: ConflictRow[] = [...plan.conflicts];
    if (plan.replacedTransactions.length > 0) {
      await session.copyInto('chunk_replaced_transactions', TRANSACTION_KEY_COLUMNS, plan.replacedTransactions.map((r) => [r.operationId, r.status]));
      const { rows } = await session.query<Row>(this.warehouse.sql('stg_select_replaced_conflicts'));
      if (rows.length > 0) {
        const winners = new Map(plan.transactionWrites.map((w) => [transactionKey(w), w]));
        conflicts.push(...repointConflicts(rows.map(toConflict), winners));
        await session.query(this.warehouse.sql('stg_delete_replaced_conflicts'));
      }
      transactionsDeleted = (await session.query(this.warehouse.sql('stg_delete_replaced_transactions'))).rowCount;
    }
    if (plan.replacedCurrencies.length > 0) {
      await session.copyInto('chunk_replaced_currencies', CURRENCY_KEY_COLUMNS, plan.replacedCurrencies.map((r) => [r.dateUpdate, r.currencyCode, r.currencyCodeWith]));
      currenciesDeleted = (await session.query(this.warehouse.sql('stg_delete_replaced_currencies'))).rowCount;
    }
    let transactionsCopied = 0;
    let currenciesCopied = 0;
    let rejectsCopied = 0;
    if (plan.transactionWrites.length > 0) {
      const result = await session.copyInto('stg.transactions', TRANSACTION_COLUMNS, plan.transactionWrites.map(transactionValues));
      transactionsCopied = result.loaded;
      copyRejected.push(...refused(result));
    }
    if (plan.currencyWrites.length > 0) {
      const result = await session.copyInto('stg.currencies', CURRENCY_COLUMNS, plan.currencyWrites.map(currencyValues));
      currenciesCopied = result.loaded;
      copyRejected.push(...refused(result));
    }
    if (conflicts.length > 0) {
      const result = await session.copyInto('stg.transaction_conflicts', CONFLICT_COLUMNS, conflicts.map(conflictValues));
      copyRejected.push(...refused(result));
    }
    if (plan.rejects.length > 0) {
      const result = await session.copyInto('stg.rejects', REJECT_COLUMNS, plan.rejects.map(rejectValues));
      rejectsCopied = result.loaded;
      copyRejected.push(...refused(result));
    }
    for (const { day, kind } of plan.touched) await session.query(this.warehouse.sql('stg_touch_day'), [day, kind]);
    return { transactionsCopied, currenciesCopied, rejectsCopied, transactionsDeleted, currenciesDeleted, copyRejected };
  }
}
