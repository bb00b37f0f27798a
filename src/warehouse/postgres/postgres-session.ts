import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { checkedIdentifier } from '../identifiers.js';
import type { CopyColumn, CopyResult, ReplaceDays, StatementResult, WarehouseSession } from '../warehouse.js';
import { copyBinary } from './copy-binary.js';
import { copyTextLine } from './copy-text.js';

/** The slice of a `pg` client a session uses (a pooled client or a dedicated one). */
export type PostgresQueryable = Pick<pg.ClientBase, 'query'>;

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
    const names = columns.map((c) => quoted(typeof c === 'string' ? c : c.name)).join(', ');
    const typed = columns.every((c) => typeof c !== 'string');
    let source: Readable;
    let sql: string;
    if (typed) {
      const { data } = copyBinary((columns as CopyColumn[]).map((c) => c.type), rows);
      source = Readable.from([data]);
      sql = `copy ${quoted(table)} (${names}) from stdin (format binary)`;
    } else {
      source = Readable.from(
        (function* () {
          for (const row of rows) yield copyTextLine(row);
        })(),
      );
      sql = `copy ${quoted(table)} (${names}) from stdin`;
    }
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
