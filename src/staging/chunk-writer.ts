import { ConflictError } from '../errors.js';
import { encodeCopyRows } from '../warehouse/copy-encoding.js';
import type { CopyColumn, CopyResult, Warehouse, WarehouseConnection, WarehouseSession } from '../warehouse/index.js';
import { planCurrencies, repointConflicts, touchedDays, type ParsedChunk } from './chunk-planner.js';
import { partitionName, watermarkKey } from '../landing/index.js';
import { reconcile } from './reconciliation.js';
import { RowsRefusedError } from './refused-records.js';
import { inlineChunk, type BulkRows, type StagedChunk, type StoredTransactions, type TransactionWrites } from './staged-chunk.js';
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
} from './stg-columns.js';
import { toConflict, toCurrency, toTransaction } from './stored-rows.js';
import type { ChunkCounts, ConflictRow, CurrencyRow, TransactionRow } from './types.js';
import { currencyKey, transactionKey } from './types.js';

const WORK_TABLES = [
  'stg_create_chunk_transaction_keys',
  'stg_create_chunk_currency_keys',
  'stg_create_chunk_replaced_transactions',
  'stg_create_chunk_replaced_currencies',
] as const;

type Row = Record<string, unknown>;

const refused = (result: CopyResult): string[] => result.rejected.map((r) => `row ${r.row}: ${r.reason}`);

/**
 * Writes one parsed chunk into STG in one warehouse transaction: rows,
 * rejects, conflicts, touched days and the partition's watermark commit
 * together or not at all. This is the whole exactly-once argument of the
 * loader: the watermark says which landed records STG already contains, and
 * it can only move in the transaction that adds them (docs/staging.md).
 *
 * Two ways to learn what STG already stores under the chunk's transaction
 * keys, with the same outcome:
 * - new keys first (where primary keys are enforced and rows come
 *   pre-encoded): COPY the plan that assumes no key is stored straight into
 *   stg.transactions; the primary key proves the assumption, and if one key
 *   is stored the COPY is undone (savepoint) and the chunk takes the next way;
 * - lookup: copy the keys into a work table, read the stored versions, fold
 *   the chunk over them, delete what is replaced, insert the winners.
 * After a chunk that found stored keys, the next chunk of that partition
 * starts with the lookup (redeliveries come in runs), until one finds none.
 */
export class ChunkWriter {
  /** Partitions whose last chunk found stored transaction keys. */
  readonly #storedSeen = new Set<string>();
  /** Chunks whose transactions went through the lookup path (the rest: new keys first). */
  lookups = 0;

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

  /** Committed watermarks: next offset to load per landed partition (keyed by watermarkKey). */
  async watermarks(): Promise<Map<string, number>> {
    const { rows } = await this.connection.query<{ topic: string; incarnation: number | string; partition_id: number | string; next_offset: string | number }>(this.warehouse.sql('stg_select_load_state'));
    return new Map(rows.map((r) => [watermarkKey({ topic: r.topic, incarnation: Number(r.incarnation), partition: Number(r.partition_id) }), Number(r.next_offset)]));
  }

  /**
   * @param expectedNext the watermark this loader read before the chunk (null: none yet);
   *   if another loader moved it meanwhile, the chunk is refused (ConflictError).
   * @param landed the landing zone's own count of the chunk's offset range.
   */
  async write(chunk: ParsedChunk | StagedChunk, expectedNext: number | null, landed: number): Promise<ChunkCounts> {
    const staged = 'fresh' in chunk ? chunk : inlineChunk(chunk);
    try {
      return await this.connection.transaction(async (session) => {
        await session.query(this.warehouse.sql('stg_lock_load_state'));
        await this.#checkWatermark(session, staged, expectedNext);
        return await this.#writeRows(session, staged, landed);
      });
    } finally {
      staged.release();
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  async #checkWatermark(session: WarehouseSession, chunk: StagedChunk, expectedNext: number | null): Promise<void> {
    const { rows } = await session.query<{ next_offset: string | number }>(this.warehouse.sql('stg_select_partition_watermark'), [chunk.topic, chunk.incarnation, chunk.partition]);
    const committed = rows[0] === undefined ? null : Number(rows[0].next_offset);
    if (committed !== expectedNext) {
      throw new ConflictError(
        `the watermark of ${partitionName(chunk)} is ${committed ?? 'unset'}, expected ${expectedNext ?? 'unset'}: another load-stg is loading this warehouse`,
      );
    }
  }

  async #writeRows(session: WarehouseSession, chunk: StagedChunk, landed: number): Promise<ChunkCounts> {
    const partition = watermarkKey(chunk);
    let tx: TransactionWrites | undefined;
    let storedCurrencies: Map<string, CurrencyRow> | undefined;
    let transactionsCopied: number | undefined;
    let transactionsDeleted = 0;
    const conflicts: ConflictRow[] = [];

    if (session.copyNewKeys && this.warehouse.capabilities.enforcedPrimaryKeys && !this.#storedSeen.has(partition)) {
      storedCurrencies = await this.#storedCurrencies(session, chunk.currencies);
      const fresh = await chunk.fresh();
      const result = fresh.writes.count === 0 ? { loaded: 0 } : await session.copyNewKeys('stg.transactions', TRANSACTION_COLUMNS, this.#encoded(fresh.writes, TRANSACTION_COLUMNS));
      if (result !== null) {
        tx = fresh;
        transactionsCopied = result.loaded;
      }
    }
    if (tx === undefined) {
      if (chunk.transactionVersions > 0) this.lookups += 1;
      const stored = await this.#storedTransactions(session, chunk);
      if (stored.count > 0) this.#storedSeen.add(partition);
      else this.#storedSeen.delete(partition);
      storedCurrencies ??= await this.#storedCurrencies(session, chunk.currencies);
      tx = stored.count === 0 ? await chunk.fresh() : await chunk.planWith(stored.versions);
      conflicts.push(...tx.conflicts);
      if (tx.replaced.count > 0) transactionsDeleted = await this.#deleteReplacedTransactions(session, tx, conflicts);
    } else {
      conflicts.push(...tx.conflicts);
    }

    const cur = planCurrencies(chunk.currencies, storedCurrencies);
    let currenciesDeleted = 0;
    if (cur.replaced.length > 0) {
      await session.copyInto('chunk_replaced_currencies', CURRENCY_KEY_COLUMNS, cur.replaced.map((r) => [r.dateUpdate, r.currencyCode, r.currencyCodeWith]));
      currenciesDeleted = (await session.query(this.warehouse.sql('stg_delete_replaced_currencies'))).rowCount;
    }
    const copy = async (table: string, columns: readonly CopyColumn[], rows: BulkRows): Promise<number> => {
      if (rows.count === 0) return 0;
      const result = 'encoded' in rows ? await session.copyEncoded!(table, columns, rows.encoded) : await session.copyInto(table, columns, rows.rows);
      // rows the warehouse captured as rejected instead of failing the COPY are a data error like any other
      if (result.rejected.length > 0) throw new RowsRefusedError(table, refused(result));
      return result.loaded;
    };
    transactionsCopied ??= await copy('stg.transactions', TRANSACTION_COLUMNS, tx.writes);
    const currenciesCopied = await copy('stg.currencies', CURRENCY_COLUMNS, { count: cur.writes.length, rows: cur.writes.map(currencyValues) });
    await copy('stg.transaction_conflicts', CONFLICT_COLUMNS, { count: conflicts.length, rows: conflicts.map(conflictValues) });
    const rejectsCopied = await copy('stg.rejects', REJECT_COLUMNS, { count: chunk.rejects.length, rows: chunk.rejects.map(rejectValues) });
    for (const { day, kind } of touchedDays(chunk.rejects, tx.touchedDays, cur.touchedDays)) await session.query(this.warehouse.sql('stg_touch_day'), [day, kind]);

    const counts: ChunkCounts = {
      read: chunk.read,
      inserted: tx.counts.inserted + cur.counts.inserted,
      updated: tx.counts.updated + cur.counts.updated,
      duplicates: tx.counts.duplicates + cur.counts.duplicates,
      rejected: chunk.rejects.length,
      conflicts: tx.conflicts.length,
    };
    reconcile(
      chunk,
      { counts, transactionsWritten: tx.writes.count, transactionsReplaced: tx.replaced.count, currenciesWritten: cur.writes.length, currenciesReplaced: cur.replaced.length },
      { landed, transactionsCopied, currenciesCopied, rejectsCopied, transactionsDeleted, currenciesDeleted },
    );
    // the counters move with the watermark: what every record below it became, summed over committed chunks
    await session.query(this.warehouse.sql('stg_save_load_state'), [
      chunk.topic,
      chunk.incarnation,
      chunk.partition,
      chunk.lastOffset + 1,
      counts.read,
      counts.inserted,
      counts.updated,
      counts.duplicates,
      counts.rejected,
      counts.conflicts,
    ]);
    return counts;
  }

  /**
   * Stored versions of the chunk's transaction keys, through the keys work
   * table: as tuples straight to the parse worker where the chunk and the
   * session both speak the encoding, else as rows.
   */
  async #storedTransactions(session: WarehouseSession, chunk: StagedChunk): Promise<{ versions: StoredTransactions; count: number }> {
    if (chunk.transactionVersions === 0) return { versions: { rows: new Map() }, count: 0 };
    const keys = await chunk.keys();
    if ('encoded' in keys) await session.copyEncoded!('chunk_transaction_keys', TRANSACTION_KEY_COLUMNS, keys.encoded);
    else await session.copyInto('chunk_transaction_keys', TRANSACTION_KEY_COLUMNS, keys.rows);
    if (chunk.storedAs === 'encoded' && session.copyOutEncoded) {
      const { data, count } = await session.copyOutEncoded(this.warehouse.sql('stg_copy_existing_transactions'));
      return { versions: { encoded: data, count }, count };
    }
    const { rows } = await session.query<Row>(this.warehouse.sql('stg_select_existing_transactions'));
    const stored = new Map<string, TransactionRow>();
    for (const row of rows) {
      const version = toTransaction(row);
      stored.set(transactionKey(version), version);
    }
    return { versions: { rows: stored }, count: stored.size };
  }

  async #storedCurrencies(session: WarehouseSession, currencies: readonly CurrencyRow[]): Promise<Map<string, CurrencyRow>> {
    const stored = new Map<string, CurrencyRow>();
    if (currencies.length === 0) return stored;
    const keys = new Map<string, CurrencyRow>();
    for (const c of currencies) if (!keys.has(currencyKey(c))) keys.set(currencyKey(c), c);
    await session.copyInto('chunk_currency_keys', CURRENCY_KEY_COLUMNS, [...keys.values()].map((k) => [k.dateUpdate, k.currencyCode, k.currencyCodeWith]));
    const { rows } = await session.query<Row>(this.warehouse.sql('stg_select_existing_currencies'));
    for (const row of rows) {
      const version = toCurrency(row);
      stored.set(currencyKey(version), version);
    }
    return stored;
  }

  /** Deletes the stored rows winners replace; conflicts logged for those keys are re-pointed at the new winners. */
  async #deleteReplacedTransactions(session: WarehouseSession, tx: TransactionWrites, conflicts: ConflictRow[]): Promise<number> {
    if ('encoded' in tx.replaced) await session.copyEncoded!('chunk_replaced_transactions', TRANSACTION_KEY_COLUMNS, tx.replaced.encoded);
    else await session.copyInto('chunk_replaced_transactions', TRANSACTION_KEY_COLUMNS, tx.replaced.rows);
    const { rows } = await session.query<Row>(this.warehouse.sql('stg_select_replaced_conflicts'));
    if (rows.length > 0) {
      const winners = new Map(tx.replacedWinners.map((w) => [transactionKey(w), w]));
      conflicts.push(...repointConflicts(rows.map(toConflict), winners));
      await session.query(this.warehouse.sql('stg_delete_replaced_conflicts'));
    }
    return (await session.query(this.warehouse.sql('stg_delete_replaced_transactions'))).rowCount;
  }

  #encoded(rows: BulkRows, columns: readonly CopyColumn[]): Uint8Array {
    if ('encoded' in rows) return rows.encoded;
    return encodeCopyRows(this.warehouse.capabilities.copyEncoding!, columns, rows.rows).data;
  }
}
