import type { ParamType, SqlSpelling } from '../sql-models/sql-spelling.js';

const PARAM_CASTS: Readonly<Record<ParamType, string>> = { date: 'date', timestamp: 'timestamp', text: 'text', code_list: 'text' };

/**
 * PostgreSQL's spelling of the SQL model macros. `$n` may be repeated, so a
 * named parameter is simply its placeholder with its type; a code list is
 * the comma-separated codes as text ('' for none).
 */
export const POSTGRES_SQL_SPELLING: SqlSpelling = Object.freeze<SqlSpelling>({
  binding: 'numbered',
  placeholder: (n) => `$${n}`,
  paramValue: (type, placeholder) => `${placeholder}::${PARAM_CASTS[type]}`,
  reserved: new Set<string>(),
  text: () => 'text',
  int4: 'integer',
  int8: 'bigint',
  numeric: () => 'numeric',
  asNumeric: (expr) => expr,
  nullifZero: (expr) => `nullif(${expr}, 0)`,
  codeListEmpty: (list) => `${list.ref} = ''`,
  codeListHas: (list, expr) => `${expr} = any(string_to_array(${list.ref}, ',')::integer[])`,
  dateSeries: (from, to, column) => `select generate_series(${from.ref}, ${to.ref}, interval '1 day')::date as ${column}`,
  // one primary-key probe per key: the planner has no statistics on a work
  // table and would otherwise hash the whole of the stored table
  keyLookup: (table, keys, columns) =>
    [
      `from ${keys.table} as ${keys.alias}`,
      'cross join lateral (',
      '    select stored.*',
      `    from ${table.table} as stored`,
      '    where',
      ...columns.map((c, i) => `        ${i === 0 ? '' : 'and '}stored.${c} = ${keys.alias}.${c}`),
      '    limit 1',
      `) as ${table.alias}`,
    ].join('\n'),
  // the same probe, deleting by row id: never a scan of the stored table
  deleteByKey: (table, keys, columns) =>
    [
      'with stored as (',
      '    select found.row_id',
      `    from ${keys.table} as ${keys.alias}`,
      '    cross join lateral (',
      `        select ${table.alias}.ctid as row_id`,
      `        from ${table.table} as ${table.alias}`,
      '        where',
      ...columns.map((c, i) => `            ${i === 0 ? '' : 'and '}${table.alias}.${c} = ${keys.alias}.${c}`),
      '        limit 1',
      '    ) as found',
      ')',
      '',
      `delete from ${table.table}`,
      'where ctid = any (array(select row_id from stored))',
    ].join('\n'),
  temporary: 'temporary',
  rebuildInto: (table) => table,
});
