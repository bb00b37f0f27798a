import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { compileModel, SqlModelError } from './compile.js';
import type { SqlDialect } from './sql-spelling.js';

/**
 * Data contracts, the dbt way: beside the models of a layer, one
 * `<layer>_<table>.yml` per table says what its rows must satisfy (unique
 * key, columns never null, the values a column may take, and named checks in
 * SQL). Every expectation becomes a query that returns the offending rows,
 * compiled per dialect like a model, plus a `broken_by` statement that must
 * make the query find some: run in a rolled-back transaction, it shows that
 * the check can fail at all.
 */

const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case column name');

const CheckSchema = z
  .object({
    /** Returns the rows that break the expectation; may use {{ }} macros (no parameters). */
    sql: z.string().min(1),
    /** Breaks the data so that `sql` finds at least one row (or the database refuses it). */
    broken_by: z.string().min(1),
  })
  .strict();

export const DataContractSchema = z
  .object({
    table: z.string().regex(/^[a-z_]+\.[a-z_][a-z0-9_]*$/, 'schema.table'),
    unique: z.array(identifier).min(1).optional(),
    not_null: z.array(identifier).min(1).optional(),
    accepted_values: z.record(identifier, z.array(z.union([z.string().min(1), z.number()])).min(1)).optional(),
    checks: z.record(identifier, CheckSchema).optional(),
  })
  .strict();

export type DataContract = z.infer<typeof DataContractSchema>;

export interface ContractFile {
  readonly path: string;
  /** `<layer>_<table>`, e.g. `mart_turnover_drivers`. */
  readonly name: string;
  readonly contract: DataContract;
}

/** One expectation as a dialect runs it. */
export interface ContractCheck {
  /** `unique (a, b)`, `not null c`, `accepted values of c`, or the check's own name. */
  readonly name: string;
  readonly sql: string;
  readonly brokenBy: string;
}

/** Reads and validates one contract file; its name must be `<layer>_<table>.yml` for its table. */
export function readContract(path: string): ContractFile {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SqlModelError(`${path}: not YAML: ${(error as Error).message}`);
  }
  const parsed = DataContractSchema.safeParse(data);
  if (!parsed.success) {
    throw new SqlModelError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const name = basename(path, '.yml');
  const layer = basename(join(path, '..'));
  const table = parsed.data.table.split('.')[1]!;
  if (name !== `${layer}_${table}`) throw new SqlModelError(`${path}: the contract of ${parsed.data.table} in ${layer}/ is named ${layer}_${table}.yml`);
  return { path, name, contract: parsed.data };
}

/** Every `sql/models/<layer>/*.yml`. */
export function findContracts(modelsDir: string): ContractFile[] {
  if (!existsSync(modelsDir)) return [];
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .flatMap((layer) =>
      readdirSync(join(modelsDir, layer))
        .filter((f) => f.endsWith('.yml'))
        .sort()
        .map((f) => readContract(join(modelsDir, layer, f))),
    );
}

const literal = (value: string | number): string => (typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`);

/** A value the column cannot accept: '~' for text, one below the smallest for numbers. */
function unacceptable(values: readonly (string | number)[]): string {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  return numbers.length === values.length ? String(Math.min(...numbers) - 1) : "'~'";
}

/** The contract's expectations as SQL of one dialect (each compiled like a model, so macros work and refusals apply). */
export function contractChecks(file: ContractFile, dialect: SqlDialect): ContractCheck[] {
  const { table, unique, not_null: notNull, accepted_values: accepted, checks } = file.contract;
  const raw: { name: string; sql: string; brokenBy: string }[] = [];
  if (unique) {
    const key = unique.join(', ');
    raw.push({
      name: `unique (${key})`,
      sql: `select ${key}, count(*) as copies\nfrom ${table}\ngroup by ${key}\nhaving count(*) > 1`,
      brokenBy: `insert into ${table}\nselect * from ${table}`,
    });
  }
  for (const column of notNull ?? []) {
    raw.push({ name: `not null ${column}`, sql: `select *\nfrom ${table}\nwhere ${column} is null`, brokenBy: `update ${table}\nset ${column} = null` });
  }
  for (const [column, values] of Object.entries(accepted ?? {})) {
    raw.push({
      name: `accepted values of ${column}`,
      sql: `select ${column}, count(*) as rows_with_it\nfrom ${table}\nwhere ${column} not in (${values.map(literal).join(', ')})\ngroup by ${column}`,
      // only the rows of one accepted value: if the column is part of the key, they differ in the rest of it
      brokenBy: `update ${table}\nset ${column} = ${unacceptable(values)}\nwhere ${column} = ${literal(values[0]!)}`,
    });
  }
  for (const [name, check] of Object.entries(checks ?? {})) raw.push({ name, sql: check.sql.trim(), brokenBy: check.broken_by.trim() });
  return raw.map((c) => ({
    name: c.name,
    sql: compileModel(c.sql, dialect, `${file.path} (${c.name})`),
    brokenBy: compileModel(c.brokenBy, dialect, `${file.path} (${c.name}, broken_by)`),
  }));
}

/** One file of a contract's compiled checks, for readers and linters: each check, then its breaker. */
export function renderContract(file: ContractFile, dialect: SqlDialect): string {
  const header = `-- Data contract of ${file.contract.table} (${file.name}.yml), compiled for ${dialect.name}: each check returns the rows that break it.\n`;
  return `${header}${contractChecks(file, dialect)
    .map((c) => `\n-- ${c.name}\n${c.sql};\n\n-- ${c.name}: broken by\n${c.brokenBy};\n`)
    .join('')}`;
}
