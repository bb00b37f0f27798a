import type { ParamType, SqlSpelling } from '../sql-models/sql-spelling.js';
import { verticaRebuildTwin } from './rebuild-twin.js';

/**
 * Named parameters as the params CTE binds them. A code list is wrapped in
 * commas (',,' for none) so that membership is one instr() of ',code,';
 * 256 characters hold every ISO currency code many times over.
 */
const PARAM_VALUES: Readonly<Record<ParamType, (placeholder: string) => string>> = {
  date: (placeholder) => `${placeholder}::date`,
  timestamp: (placeholder) => `${placeholder}::timestamp`,
  text: (placeholder) => `${placeholder}::varchar`,
  code_list: (placeholder) => `',' || ${placeholder}::varchar(256) || ','`,
};

/**
 * Vertica's spelling of the SQL model macros. `?` binds each value once, in
 * order: named parameters go through a params CTE. Its `int` is 64-bit, its
 * bare `varchar` is varchar(80), and `partition` is a reserved word.
 */
export const VERTICA_SQL_SPELLING: SqlSpelling = Object.freeze<SqlSpelling>({
  binding: 'positional',
  placeholder: () => '?',
  paramValue: (type, placeholder) => PARAM_VALUES[type](placeholder),
  reserved: new Set(['partition']),
  text: (length) => (length === undefined ? 'varchar' : `varchar(${length})`),
  int4: 'int',
  int8: 'int',
  numeric: (precision, scale) => `numeric(${precision}, ${scale})`,
  asNumeric: (expr, precision, scale) => `${expr}::numeric(${precision}, ${scale})`,
  nullifZero: (expr) => `nullifzero(${expr})`,
  codeListEmpty: (list) => `${list.ref} = ',,'`,
  codeListHas: (list, expr) => `instr(${list.ref}, ',' || ${expr}::varchar || ',') > 0`,
  dateSeries: (from, to, column) =>
    [
      `select slice_time::date as ${column}`,
      'from (',
      `    select ${from.name}::timestamp as bound from params`,
      '    union all',
      `    select ${to.name}::timestamp as bound from params`,
      ') as bounds',
      "timeseries slice_time as '1 day' over (order by bound)",
    ].join('\n'),
  // no lateral join in Vertica: a plain join
  keyLookup: (table, keys, columns) =>
    [
      `from ${table.table} as ${table.alias}`,
      `inner join ${keys.table} as ${keys.alias}`,
      '    on',
      ...columns.map((c, i) => `        ${i === 0 ? '' : 'and '}${table.alias}.${c} = ${keys.alias}.${c}`),
    ].join('\n'),
  // Vertica's delete names no alias and joins nothing (no using): where exists
  deleteByKey: (table, keys, columns) =>
    [
      `delete from ${table.table}`,
      'where exists (',
      '    select 1',
      `    from ${keys.table} as ${keys.alias}`,
      '    where',
      ...columns.map((c, i) => `        ${i === 0 ? '' : 'and '}${keys.alias}.${c} = ${table.table}.${c}`),
      ')',
    ].join('\n'),
  temporary: 'local temporary',
  rebuildInto: (table) => verticaRebuildTwin(table),
});
