import { Readable } from 'node:stream';
import { isDay } from '../../contracts/days.js';
import { checkedIdentifier } from '../identifiers.js';
import type { ColumnType, CopyColumn, CopyResult, ReplaceDays, StatementResult, WarehouseSession } from '../warehouse.js';
import { verticaCopyLine } from './copy-text.js';
import { verticaRebuildTwin } from './rebuild-twin.js';
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

  /**
   * Whole days, the Vertica way: the marts are partitioned by day, so the
   * days are built into the mart's swap twin (the insert's target is
   * `{{ rebuild_into(table) }}`) and swapped in by partition — no DELETE, so
   * no delete vectors pile up however often today is rebuilt. The twin's
   * partitions for those days are dropped before (a crashed build may have
   * left rows) and after (the mart's old rows, swapped out). `force_split`:
   * older days share ROS containers by month and year
   * (calendar_hierarchy_day). Partition keys go into the calls as checked
   * `YYYY-MM-DD` literals: these meta-functions are given constants.
   */
  async replaceDays(spec: ReplaceDays): Promise<{ deleted: number; inserted: number }> {
    const table = checkedIdentifier(spec.table);
    const day = checkedIdentifier(spec.dayColumn);
    const twin = verticaRebuildTwin(table);
    const [from, to] = [partitionKey(spec.from), partitionKey(spec.to)];
    // a model without {{ rebuild_into(…) }} would fill the mart itself, and the swap would then empty those days
    const target = /^\s*insert\s+into\s+([\w.]+)/i.exec(spec.insertSql.replace(/^\s*--[^\n]*\n/gm, ''))?.[1];
    if (target?.toLowerCase() !== twin) throw new TypeError(`replaceDays of ${table}: the statement must insert into ${twin}, not ${target ?? 'nothing'}`);
    await this.query(`select drop_partitions('${twin}', '${from}', '${to}', true)`);
    const inserted = await this.query(spec.insertSql, spec.params ?? []);
    const replaced = await this.query<{ replaced: unknown }>(`select count(*) as replaced from ${table} where ${day} between ?::date and ?::date`, [from, to]);
    await this.query(`select swap_partitions_between_tables('${twin}', '${from}', '${to}', '${table}', true)`);
    await this.query(`select drop_partitions('${twin}', '${from}', '${to}', true)`);
    return { deleted: Number(replaced.rows[0]?.replaced ?? 0), inserted: inserted.rowCount };
  }
}

/** A day as a partition key literal; anything but a calendar day `YYYY-MM-DD` is refused before it reaches SQL. */
function partitionKey(day: string): string {
  if (!isDay(day)) throw new TypeError(`not a day: ${JSON.stringify(day)}`);
  return day;
}
