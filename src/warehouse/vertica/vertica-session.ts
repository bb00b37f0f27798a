import { Readable } from 'node:stream';
import { checkedIdentifier } from '../identifiers.js';
import type { ColumnType, CopyColumn, CopyResult, ReplaceDays, StatementResult, WarehouseSession } from '../warehouse.js';
import { verticaCopyLine } from './copy-text.js';
import { affectedRows, type VerticaClient } from './vertica-client.js';

/**
 * The COPY our loads use. `NO COMMIT` keeps it inside the caller's
 * transaction (Vertica's COPY otherwise commits itself and the transaction
 * around it); `RETURNREJECTED` makes the driver hand back the numbers of the
 * rows Vertica refused instead of failing silently or aborting the load.
 */
function copyStatement(table: string, columns: readonly { name: string; type: ColumnType | undefined }[]): string {
  const list = columns.map((c) => (c.type === 'bytea' ? `${checkedIdentifier(c.name)} format 'hex'` : checkedIdentifier(c.name))).join(', ');
  return `copy ${checkedIdentifier(table)} (${list}) from local stdin delimiter E'\\t' null '' enclosed by '"' escape as E'\\\\' record terminator E'\\n' returnrejected no commit`;
}

export class VerticaSession implements WarehouseSession {
  constructor(private readonly client: VerticaClient) {}

  async query<R>(sql: string, params: readonly unknown[] = []): Promise<StatementResult<R>> {
    const result = await this.client.query(params.length > 0 ? { text: sql, values: params } : { text: sql });
    return { rows: result.rows as R[], rowCount: affectedRows(result) };
  }

  async copyInto(table: string, columns: readonly (string | CopyColumn)[], rows: Iterable<readonly unknown[]>): Promise<CopyResult> {
    const described = columns.map((c) => (typeof c === 'string' ? { name: c, type: undefined } : c));
    const types = described.map((c) => c.type);
    const lines: string[] = [];
    for (const row of rows) lines.push(verticaCopyLine(types, row));
    const result = await this.client.query({ text: copyStatement(table, described), copyStream: Readable.from([lines.join('')]) });
    const rejected = (result.getRejectedRows?.() ?? []).map((row) => ({ row, reason: `row ${row} of the COPY into ${table} was rejected by Vertica` }));
    return { loaded: affectedRows(result), rejected };
  }

  async replaceDays(spec: ReplaceDays): Promise<{ deleted: number; inserted: number }> {
    const table = checkedIdentifier(spec.table);
    const day = checkedIdentifier(spec.dayColumn);
    const deleted = await this.query(`delete from ${table} where ${day} between ?::date and ?::date`, [spec.from, spec.to]);
    const inserted = await this.query(spec.insertSql, spec.params ?? []);
    return { deleted: deleted.rowCount, inserted: inserted.rowCount };
  }
}
