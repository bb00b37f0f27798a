import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { OptionSpec, OptionSpecs, OptionsOf } from './command-spec.js';

/**
 * Validates the values commander collected for a command (flags, env
 * variables, defaults) against the command's option specs, once, and
 * freezes the result: what a handler receives.
 */
export function parseOptions<const O extends OptionSpecs>(specs: O, raw: Readonly<Record<string, unknown>>): OptionsOf<O> {
  const result = optionsSchema(specs).safeParse(raw);
  if (!result.success) throw new UsageError(usageMessage(result.error.issues[0]!, specs));
  // the schema is built from these very specs, entry by entry: its output is OptionsOf<O>
  return Object.freeze(result.data) as OptionsOf<O>;
}

/** The zod object of a command's options: each value's schema, its default (validated like a given value) or optional. */
export function optionsSchema(specs: OptionSpecs) {
  return z.object(Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, optionSchema(spec)])));
}

function optionSchema(spec: OptionSpec): z.ZodType {
  if (isSwitch(spec)) return z.boolean().default(spec.flags.startsWith('--no-'));
  const value = valueSchema(spec);
  // commander fills in defaults on the command line; the prefault does the same for any other caller (tests)
  return spec.defaultValue === undefined ? value.optional() : value.prefault(spec.defaultValue);
}

function valueSchema(spec: OptionSpec): z.ZodType {
  if (spec.schema) return spec.schema;
  if (spec.repeatable) return z.array(z.string()).readonly();
  if (spec.choices) return z.enum(spec.choices);
  return z.string();
}

/** A flag without a value (`--json`, `--no-generator`): true or false, never absent. */
function isSwitch(spec: OptionSpec): boolean {
  return !/[<[]/.test(spec.flags);
}

/** The long flag of a spec, which every message names: `--chunk-size` of `--chunk-size <n>`. */
function longFlag(spec: OptionSpec): string {
  return spec.flags.split(/[\s,|]+/).find((part) => part.startsWith('--')) ?? spec.flags;
}

/** One line naming the flag: the parsers' own messages already do (src/command/parsers.ts); zod's get the flag in front. */
function usageMessage(issue: z.ZodError['issues'][number], specs: OptionSpecs): string {
  const key = issue.path[0];
  const spec = typeof key === 'string' ? specs[key] : undefined;
  if (!spec) return issue.message;
  if (issue.code === 'custom') return issue.message;
  return `${longFlag(spec)}: ${issue.message}`;
}
