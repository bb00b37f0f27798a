import type { SqlDialect } from './sql-spelling.js';

/** How an upsert item names its column: `key`, `set` and `add` take a bound value, `now` the time of the statement. */
type UpsertRole = 'key' | 'set' | 'add' | 'now';

const UPSERT_ROLES: readonly UpsertRole[] = ['key', 'set', 'add', 'now'];

/** A column list on one line where it fits in 80 characters, else one column a line (as written by hand). */
function columnList(head: string, items: readonly string[]): string {
  const line = `${head} (${items.join(', ')})`;
  return line.length <= 80 ? line : `${head} (\n${items.map((c) => `    ${c}`).join(',\n')}\n)`;
}

/**
 * `{{ upsert(table, key col[::type]…, set col[::type]…, add col[::type]…, now col…) }}`:
 * insert a row, or update the row with the same keys: `set` replaces the
 * stored value, `add` adds the bound value to it (a counter), `now` stamps
 * the time. The form comes from what the dialect can do: `INSERT … ON
 * CONFLICT` where it has `upsert`, else `MERGE` where it has `merge`. Columns
 * are inserted in the order of the items; bound values are numbered in that
 * order too, `now` columns skipped. A type may be one of the type macros
 * (`text`, `text(n)`, `int4`, `int8`, spelled per dialect) or any other type,
 * written as is (the MERGE form binds its values in a select, whose column
 * types are these casts).
 */
export function upsert(dialect: SqlDialect, table: string, items: readonly string[], fail: (why: string) => never): string {
  const s = dialect.spelling;
  const spelled = (type: string): string => {
    const text = /^text(?:\((\d+)\))?$/.exec(type);
    if (text) return s.text(text[1]);
    if (type === 'int4') return s.int4;
    if (type === 'int8') return s.int8;
    return type;
  };
  const parsed = items.map((item) => {
    const [role, column, ...rest] = item.split(/\s+/);
    if (!UPSERT_ROLES.includes(role as UpsertRole) || !column || rest.length > 0) fail(`upsert(): "${item}" is not key/set/add/now column`);
    const [name, type] = column!.split('::');
    if (role === 'now' && type !== undefined) fail(`upsert(): now ${column} takes no type`);
    return { role: role as UpsertRole, name: name!, cast: type === undefined ? '' : `::${spelled(type)}` };
  });
  const bound = parsed.filter((c) => c.role !== 'now');
  const keys = parsed.filter((c) => c.role === 'key');
  const updated = parsed.filter((c) => c.role !== 'key');
  if (keys.length === 0) fail('upsert() without a key column');
  if (updated.length === 0) fail('upsert() updates nothing: add a set, add or now column');
  const quote = (name: string): string => (s.reserved.has(name) ? `"${name}"` : name);
  const columns = parsed.map((c) => quote(c.name));
  const list = (lines: readonly string[]): string => (lines.length === 1 ? ` ${lines[0]}` : `\n${lines.map((l) => `    ${l}`).join(',\n')}`);
  if (dialect.capabilities.upsert) {
    const values = parsed.map((c) => (c.role === 'now' ? 'now()' : `${s.placeholder(bound.indexOf(c) + 1)}${c.cast}`));
    // the stored row is named only where an added value needs it
    const stored = parsed.some((c) => c.role === 'add') ? ' as t' : '';
    const assignment = (c: (typeof parsed)[number]): string =>
      c.role === 'add' ? `${quote(c.name)} = t.${quote(c.name)} + excluded.${quote(c.name)}` : `${quote(c.name)} = excluded.${quote(c.name)}`;
    return [
      columnList(`insert into ${table}${stored}`, columns),
      columnList('values', values),
      `on conflict (${keys.map((c) => quote(c.name)).join(', ')}) do update`,
      `set${list(updated.map(assignment))}`,
    ].join('\n');
  }
  if (dialect.capabilities.merge) {
    // a reserved word as a source alias would need quoting at every use: the source column gets a suffix
    const alias = (name: string): string => (s.reserved.has(name) ? `${name}_id` : name);
    const value = (c: (typeof parsed)[number]): string => (c.role === 'now' ? 'now()' : `s.${alias(c.name)}`);
    const assignment = (c: (typeof parsed)[number]): string => `${quote(c.name)} = ${c.role === 'add' ? `t.${quote(c.name)} + ` : ''}${value(c)}`;
    return [
      `merge into ${table} as t`,
      `using (\n    select\n${bound.map((c) => `        ${s.placeholder(bound.indexOf(c) + 1)}${c.cast} as ${alias(c.name)}`).join(',\n')}\n) as s`,
      `on ${keys.map((c) => `t.${quote(c.name)} = s.${alias(c.name)}`).join(' and ')}`,
      `when matched then update set\n${updated.map((c) => `    ${assignment(c)}`).join(',\n')}`,
      columnList('when not matched then insert', columns),
      columnList('values', parsed.map(value)),
    ].join('\n');
  }
  return fail(`upsert(): ${dialect.name} has neither upsert (INSERT … ON CONFLICT) nor merge (MERGE) among its capabilities`);
}
