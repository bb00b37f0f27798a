import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { checkedIdentifier } from '../identifiers.js';
import type { CopyColumn, CopyResult, ReplaceDays, StatementResult, WarehouseSession } from '../warehouse.js';
import { ALLOCATED_BUFFERS, copyBinary, CopyOut } from '../../db/copy-binary/index.js';
import { copyTextLine } from './copy-text.js';

/** The slice of a `pg` client a session uses (a pooled client or a dedicated one). */
export type PostgresQueryable = Pick<pg.ClientBase, 'query'>;

const UNIQUE_VIOLATION = '23505';


const quoted = (name: string): string => checkedIdentifier(name).split('.').map((part) => `"${part}"`).join('.');

/** Statements of one transaction on one PostgreSQL connection. */
export class PostgresSession implements WarehouseSession {
  constructor(private readonly client: PostgresQueryable) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<StatementResult<R>> {
    const result = await this.client.query(sql, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  /** COPY BINARY when every column is typed (no server-side text parsing), else COPY text. */
  async copyInto(table: string, columns: readonly (string | CopyColumn)[], rows: Iterable<readonly unknown[]>): Promise<CopyResult> {
    if (columns.every((c) => typeof c !== 'string')) {
      const typed = columns as readonly CopyColumn[];
      return this.copyEncoded(table, typed, copyBinary(typed.map((c) => c.type), rows).data);
    }
    const names = columns.map((c) => quoted(typeof c === 'string' ? c : c.name)).join(', ');
    const lines = Readable.from(
      (function* () {
        for (const row of rows) yield copyTextLine(row);
      })(),
    );
    return this.#copy(`copy ${quoted(table)} (${names}) from stdin`, lines);
  }

  /** Rows already in COPY BINARY (`encodeCopyRows('postgres-binary', …)`). */
  async copyEncoded(table: string, columns: readonly CopyColumn[], data: Uint8Array): Promise<CopyResult> {
    const names = columns.map((c) => quoted(c.name)).join(', ');
    return this.#copy(`copy ${quoted(table)} (${names}) from stdin (format binary)`, Readable.from([data]));
  }

  /**
   * COPY inside a savepoint: a unique violation (some key already stored)
   * rolls back to it, which undoes exactly this COPY and keeps the
   * transaction usable; any other error propagates.
   */
  async copyNewKeys(table: string, columns: readonly CopyColumn[], data: Uint8Array): Promise<CopyResult | null> {
    await this.client.query('savepoint turnover_copy_new_keys');
    try {
      const result = await this.copyEncoded(table, columns, data);
      await this.client.query('release savepoint turnover_copy_new_keys');
      return result;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await this.client.query('rollback to savepoint turnover_copy_new_keys');
      await this.client.query('release savepoint turnover_copy_new_keys');
      return null;
    }
  }

  async copyOutEncoded(sql: string): Promise<{ data: Uint8Array; count: number }> {
    const copy = new CopyOut(sql, ALLOCATED_BUFFERS);
    this.client.query(copy as unknown as pg.QueryConfig);
    const { data, rowCount } = await copy.result;
    return { data, count: rowCount };
  }

  async #copy(sql: string, source: Readable): Promise<CopyResult> {
    const sink = this.client.query(copyStreams.from(sql));
    await pipeline(source, sink);
    // the server's own count ("COPY n"), not ours: reconciliation compares the two
    return { loaded: Number(sink.rowCount ?? 0), rejected: [] };
  }

  async replaceDays(spec: ReplaceDays): Promise<{ deleted: number; inserted: number }> {
    const deleted = await this.client.query(`delete from ${quoted(spec.table)} where ${quoted(spec.dayColumn)} between $1::date and $2::date`, [spec.from, spec.to]);
    const inserted = await this.client.query(spec.insertSql, (spec.params ?? []) as unknown[]);
    return { deleted: deleted.rowCount ?? 0, inserted: inserted.rowCount ?? 0 };
  }
}
