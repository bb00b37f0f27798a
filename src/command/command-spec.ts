import type { z } from 'zod';
import type { Logger } from '../log/logger.js';
import type { Secrets, TestHooks } from './edge-values.js';

/** One option of a command; `--help`, env fallback, validation and the handler's type all come from this. */
export interface OptionSpec<T = unknown> {
  /** Commander flag syntax: `--chunk-size <n>`, `--json`, `--no-generator`. */
  readonly flags: string;
  readonly description: string;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  /** The env variable's old name, still read when neither the flag nor `env` is set (a rename that breaks no deployment). */
  readonly formerEnv?: string;
  readonly defaultValue?: string | number | boolean | readonly string[];
  readonly choices?: readonly string[];
  /** Left out of `--help`: a setting a command reads like its neighbours do (flag or env) without advertising it. */
  readonly hidden?: boolean;
  /** Repeatable: every occurrence is collected into an array of strings (`--conf a=b --conf c=d`). */
  readonly repeatable?: boolean;
  /**
   * The value's type: validates and converts what the flag, the env variable
   * or the default gave (src/command/parsers.ts); an issue's message names the
   * flag. Without it: a string, a switch's boolean, a choice or a repeatable's strings.
   */
  readonly schema?: z.ZodType<T>;
}

/** A command's options, keyed by the name its value has in the handler's options (commander's attribute name: `--chunk-size` → `chunkSize`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Absent unless a default says otherwise. */
type Unset<S> = S extends { readonly defaultValue: string | number | boolean | readonly string[] } ? never : undefined;

/** The type of one option's value, as the handler receives it. */
export type ValueOf<S> =
  S extends { readonly schema: infer Z extends z.ZodType }
    ? z.output<Z> | Unset<S>
    : S extends { readonly repeatable: true }
      ? readonly string[] | undefined
      : S extends { readonly flags: `${string}<${string}` | `${string}[${string}` }
        ? (S extends { readonly choices: readonly (infer C extends string)[] } ? C : string) | Unset<S>
        : boolean;

/** The frozen, typed options a handler receives for these specs. */
export type OptionsOf<O extends OptionSpecs> = { readonly [K in keyof O]: ValueOf<O[K]> };

export interface ArgumentSpec {
  /** `file` for a required argument, `[file]` for an optional one, `<args...>` for variadic. */
  readonly name: string;
  readonly description: string;
}

/** What every handler gets besides its own options: the edges of the process, and no environment. */
export interface CommandContext {
  readonly logger: Logger;
  /** Aborted on SIGINT/SIGTERM: long-running handlers stop gracefully when it fires. */
  readonly signal: AbortSignal;
  readonly stdout: NodeJS.WritableStream;
  /** The secrets that have no flag on purpose (a flag shows in `ps`), by name from an allowlist. */
  readonly secrets: Secrets;
  /** Test-only settings (pause points, the clock, fault injection), by name from an allowlist; unset in production. */
  readonly testHooks: TestHooks;
}

export interface CommandInput<O = Readonly<Record<string, unknown>>> {
  readonly args: readonly string[];
  /** Validated once by the command kit and frozen. */
  readonly options: O;
}

/** Returns the exit status (0 when omitted); throws a TurnoverError to fail with one line. */
export type Handler<O = Readonly<Record<string, unknown>>> = (input: CommandInput<O>, context: CommandContext) => Promise<number | void>;

/** A command as data (the drizzle-kit model): the handler module is imported only when run. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: O;
  readonly subcommands?: readonly CommandSpec[];
  // the command table holds commands of every option type; defineCommand checks each one's handler against its options
  readonly load?: () => Promise<Handler<any>>;
  /** Example invocations printed at the end of --help. */
  readonly examples?: readonly string[];
}

/** A command whose handler receives exactly the options it declares, typed. */
export interface TypedCommandSpec<O extends OptionSpecs> extends Omit<CommandSpec<O>, 'load'> {
  readonly load?: () => Promise<Handler<OptionsOf<O>>>;
}

/** Declares a command: the handler `load` returns must take the options `options` declares. */
export function defineCommand<const O extends OptionSpecs = Record<never, OptionSpec>>(spec: TypedCommandSpec<O>): CommandSpec {
  return spec;
}

/** Declares options (shared groups or a command's own) keeping their literal types, which give the handler's types. */
export function defineOptions<const O extends OptionSpecs>(options: O): O {
  return options;
}
