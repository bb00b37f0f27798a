import { z } from 'zod';

/**
 * The shape of `bi/turnover.yaml`: one dashboard, its datasets (SQL over
 * cdm.*) and its charts, in terms neither BI tool owns. Each tool's
 * provisioner translates it (src/bi/superset/, src/bi/metabase/).
 */

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const identifier = z.string().regex(IDENTIFIER, 'a lower-case SQL identifier (a-z, 0-9, _)');
const key = z.string().regex(IDENTIFIER, 'a key of lower-case letters, digits and _');

export const FORMATS = ['usd', 'integer', 'decimal'] as const;

const metric = z.strictObject({
  column: identifier,
  label: z.string().min(1),
  format: z.enum(FORMATS).default('decimal'),
});

const tableColumn = z.strictObject({
  column: identifier,
  label: z.string().min(1),
  format: z.enum(FORMATS).optional(),
});

const orderBy = z.strictObject({ column: identifier, descending: z.boolean().default(false) });

const chartBase = {
  uuid: z.uuid(),
  title: z.string().min(1),
  description: z.string().default(''),
  dataset: key,
};

/** Last value of a day series, its change against the previous row, and the trend line. */
const bigNumber = z.strictObject({ ...chartBase, kind: z.literal('big_number'), x: identifier, metrics: z.array(metric).length(1) });

/** Bars per x, one colour per series value (or per metric when there is no series). */
const bar = z.strictObject({
  ...chartBase,
  kind: z.literal('bar'),
  x: identifier,
  series: identifier.optional(),
  stacked: z.boolean().default(false),
  metrics: z.array(metric).min(1),
});

const line = z.strictObject({ ...chartBase, kind: z.literal('line'), x: identifier, series: identifier.optional(), metrics: z.array(metric).min(1) });

/** The dataset's rows as they are, in this column order. */
const table = z.strictObject({ ...chartBase, kind: z.literal('table'), columns: z.array(tableColumn).min(1), order_by: z.array(orderBy).default([]) });

export const chartSchema = z.discriminatedUnion('kind', [bigNumber, bar, line, table]);

export const definitionSchema = z.strictObject({
  version: z.literal(1),
  database: z.strictObject({ uuid: z.uuid(), name: z.string().min(1) }),
  dashboard: z.strictObject({
    uuid: z.uuid(),
    slug: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and -'),
    title: z.string().min(1),
    description: z.string().default(''),
    collection: z.string().min(1),
  }),
  datasets: z.record(
    key,
    z.strictObject({
      uuid: z.uuid(),
      name: identifier,
      description: z.string().default(''),
      sql: z.string().regex(/\.sql$/, 'a path to a .sql file, relative to the definition'),
      time_column: identifier.optional(),
    }),
  ),
  charts: z.record(key, chartSchema),
  layout: z.array(z.strictObject({ height: z.number().int().min(1).max(12), charts: z.array(key).min(1).max(6) })).min(1),
});

export type DefinitionInput = z.infer<typeof definitionSchema>;
