import { TurnoverError } from '../../errors.js';
import { PARAM_TYPES, type AliasedTable, type NamedParam, type ParamType, type SqlDialect, type SqlSpelling } from './sql-spelling.js';
import { upsert } from './upsert.js';

/**
 * The SQL model compiler: one statement written once under sql/models/, with
 * a few `{{ macro(args) }}` where dialects differ, compiled per dialect at
 * build time (docs/warehouse.md lists the macros). No control flow, no
 * variables, no nesting: `grep -rn '{{' sql/models` finds every dialect
 * point. Everything else in a model is copied as written, comment lines
 * included (they are never expanded).
 */

export class SqlModelError extends TurnoverError {
  constructor(message: string) {
    super('INTERNAL', message);
  }
}

const MACRO = /\{\{\s*(\w+)(?:\(([^{}]*)\))?\s*\}\}/g;

/**
 * Casts whose width or length differs between the dialects (Vertica's `int`
 * is 64-bit, its bare `varchar` is `varchar(80)`): a model says which it means
 * with `{{ int4 }}`, `{{ int8 }}`, `{{ text }}` or `{{ text(n) }}`.
 */
const AMBIGUOUS_CAST = /::\s*(int|integer|bigint|text|varchar)\b(?!\s*\()/i;

/** Splits macro arguments on top-level commas; parentheses and single quotes are respected. */
export function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth += 1;
    else if (!quoted && c === ')') depth -= 1;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  if (text.trim() !== '') out.push(text.slice(from).trim());
  return out;
}

type Macro = (...args: string[]) => string;

interface MacroSpec {
  readonly arity: readonly [min: number, max: number];
  readonly expand: Macro;
}

/** One compilation: the parameters a statement declares and binds, checked as they come. */
class Statement {
  readonly #spelling: SqlSpelling;
  readonly #named: { name: string; type: ParamType; used: boolean }[] = [];
  #declared = false;
  #nextPositional = 1;
  #numberedSeen = false;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly fail: (why: string) => never,
  ) {
    this.#spelling = dialect.spelling;
  }

  /** `{{ param(n) }}`: the n-th bound value, for statements without named parameters. */
  param(n: string): string {
    const position = Number(n);
    if (!Number.isInteger(position) || position < 1) this.fail(`param(${n}): a parameter number is 1, 2, 3…`);
    if (this.#declared) this.fail('param(n) and params() in one statement: use one or the other');
    this.#numberedSeen = true;
    if (this.#spelling.binding === 'positional') {
      if (position !== this.#nextPositional) this.fail(`param(${n}) out of order: ${this.dialect.name} binds each value once, in order (expected param(${this.#nextPositional}))`);
      this.#nextPositional += 1;
    }
    return this.#spelling.placeholder(position);
  }

  /** `{{ params(name type, …) }}`: declares named parameters, bound in this order. */
  params(...declarations: string[]): string {
    if (this.#declared) this.fail('params() twice in one statement');
    if (this.#numberedSeen) this.fail('param(n) and params() in one statement: use one or the other');
    if (declarations.length === 0) this.fail('params() declares no parameter');
    this.#declared = true;
    for (const declaration of declarations) {
      const [name, type, ...rest] = declaration.split(/\s+/);
      if (!name || !/^[a-z_][a-z0-9_]*$/.test(name) || rest.length > 0) this.fail(`params(): "${declaration}" is not "name type"`);
      if (!PARAM_TYPES.includes(type as ParamType)) this.fail(`params(): ${name} has type ${type ?? '(none)'}; known: ${PARAM_TYPES.join(', ')}`);
      if (this.#named.some((p) => p.name === name)) this.fail(`params(): ${name} twice`);
      this.#named.push({ name, type: type as ParamType, used: false });
    }
    if (this.#spelling.binding === 'numbered') return '';
    const columns = this.#named.map((p, i) => `        ${this.#spelling.paramValue(p.type, this.#spelling.placeholder(i + 1))} as ${p.name}`);
    return `params as (\n    select\n${columns.join(',\n')}\n),\n\n`;
  }

  /** A named parameter, as `{{ p(name) }}` and the macros over it refer to it. */
  named(name: string): NamedParam {
    const index = this.#named.findIndex((p) => p.name === name);
    if (index < 0) this.fail(`p(${name}): no parameter ${name} in params()`);
    const param = this.#named[index]!;
    param.used = true;
    const ref = this.#spelling.binding === 'positional' ? `params.${name}` : this.#spelling.paramValue(param.type, this.#spelling.placeholder(index + 1));
    return { name, ref };
  }

  /** `{{ join_params }}`: brings the params CTE into a from clause (nothing where parameters are numbered). */
  joinParams(): string {
    if (!this.#declared) this.fail('join_params without params()');
    return this.#spelling.binding === 'positional' ? 'cross join params' : '';
  }

  /** Checks that need the whole statement. */
  finish(): void {
    const unused = this.#named.filter((p) => !p.used).map((p) => p.name);
    if (unused.length > 0) this.fail(`params() declares ${unused.join(', ')} but no p(…) uses it`);
  }
}

function macros(dialect: SqlDialect, statement: Statement, fail: (why: string) => never): Readonly<Record<string, MacroSpec>> {
  const s = dialect.spelling;
  const codeList = (name: string): NamedParam => statement.named(name);
  return {
    param: { arity: [1, 1], expand: (n) => statement.param(n!) },
    params: { arity: [1, Infinity], expand: (...declarations) => statement.params(...declarations) },
    p: { arity: [1, 1], expand: (name) => statement.named(name!).ref },
    join_params: { arity: [0, 0], expand: () => statement.joinParams() },
    code_list_empty: { arity: [1, 1], expand: (name) => s.codeListEmpty(codeList(name!)) },
    code_list_has: { arity: [2, 2], expand: (name, expr) => s.codeListHas(codeList(name!), expr!) },
    date_series: { arity: [3, 3], expand: (from, to, column) => s.dateSeries(statement.named(from!), statement.named(to!), column!) },
    text: { arity: [0, 1], expand: (length) => s.text(length) },
    int4: { arity: [0, 0], expand: () => s.int4 },
    int8: { arity: [0, 0], expand: () => s.int8 },
    numeric: { arity: [2, 2], expand: (precision, scale) => s.numeric(precision!, scale!) },
    as_numeric: { arity: [3, 3], expand: (expr, precision, scale) => s.asNumeric(expr!, precision!, scale!) },
    nullif_zero: { arity: [1, 1], expand: (expr) => s.nullifZero(expr!) },
    key_lookup: { arity: [3, Infinity], expand: (table, keys, ...columns) => s.keyLookup(aliased('key_lookup', table!, fail), aliased('key_lookup', keys!, fail), columns) },
    delete_by_key: { arity: [3, Infinity], expand: (table, keys, ...columns) => s.deleteByKey(aliased('delete_by_key', table!, fail), aliased('delete_by_key', keys!, fail), columns) },
    temporary: { arity: [0, 0], expand: () => s.temporary },
    rebuild_into: { arity: [1, 1], expand: (table) => s.rebuildInto(table!) },
    upsert: { arity: [2, Infinity], expand: (table, ...items) => upsert(dialect, table!, items, fail) },
  };
}

/** `schema.table as alias`, as key_lookup() and delete_by_key() take their tables. */
function aliased(macro: string, text: string, fail: (why: string) => never): AliasedTable {
  const match = /^([a-z_][a-z0-9_.]*)\s+as\s+([a-z_][a-z0-9_]*)$/i.exec(text);
  if (!match) return fail(`${macro}(): "${text}" is not "table as alias"`);
  return { table: match[1]!, alias: match[2]! };
}

/**
 * Compiles one model for one dialect. `origin` (the model's path) prefixes
 * every refusal, so a build error names the file and line.
 */
export function compileModel(model: string, dialect: SqlDialect, origin: string): string {
  let lineNumber = 0;
  const fail: (why: string) => never = (why) => {
    throw new SqlModelError(`${origin}:${lineNumber}: ${why} (compiling for ${dialect.name})`);
  };
  const statement = new Statement(dialect, fail);
  const table = macros(dialect, statement, fail);
  const out: string[] = [];
  for (const line of model.split('\n')) {
    lineNumber += 1;
    if (/^\s*--/.test(line)) {
      out.push(line);
      continue;
    }
    const cast = AMBIGUOUS_CAST.exec(line.replace(MACRO, ''));
    if (cast) fail(`bare ${cast[0]}: its width differs between dialects; write ::{{ int4 }}, ::{{ int8 }}, ::{{ text }} or ::{{ text(n) }}`);
    if (!line.includes('{{')) {
      if (line.includes('}}')) fail(`"}}" without "{{"`);
      out.push(line);
      continue;
    }
    const indent = /^\s*/.exec(line)![0];
    const expanded = line.replace(MACRO, (_match, name: string, argumentText: string | undefined) => {
      const macro = table[name];
      if (!macro) fail(`unknown macro ${name}; known: ${Object.keys(table).join(', ')}`);
      const args = splitArguments(argumentText ?? '');
      const [min, max] = macro.arity;
      if (args.length < min || args.length > max) fail(`${name}() takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${args.length}`);
      // later lines of a multi-line expansion are indented like the call; their blank lines stay empty
      return macro.expand(...args).split('\n').map((l, i) => (i === 0 || l === '' ? l : `${indent}${l}`)).join('\n');
    });
    if (expanded.includes('{{') || expanded.includes('}}')) fail(`a macro call that does not parse: ${line.trim()}`);
    // a macro that expands to nothing on a line of its own takes the line with it
    if (expanded.trim() !== '') out.push(expanded);
  }
  statement.finish();
  return out.join('\n');
}
