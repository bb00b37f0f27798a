import type { Logger } from '../log/logger.js';

/** One option of a command; `--help`, env fallback and validation all come from this. */
export interface OptionSpec {
  /** Commander flag syntax: `--chunk-size <n>`, `--json`, `--no-generator`. */
  readonly flags: string;
  readonly description: string;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  /** The env variable's old name, still read when neither the flag nor `env` is set (a rename that breaks no deployment). */
  readonly formerEnv?: string;
  readonly defaultValue?: string | number | boolean | readonly string[];
  /** Turns the raw string into a typed value; throws UsageError with a readable reason. */
  readonly parse?: (value: string, previous: unknown) => unknown;
  readonly choices?: readonly string[];
}

export interface ArgumentSpec {
  /** `file` for a required argument, `[file]` for an optional one, `<args...>` for variadic. */
  readonly name: string;
  readonly description: string;
}

/** What every handler gets besides its own options: the edges of the process. */
export interface CommandContext {
  readonly logger: Logger;
  /** Aborted on SIGINT/SIGTERM: long-running handlers stop gracefully when it fires. */
  readonly signal: AbortSignal;
  readonly stdout: NodeJS.WritableStream;
  /** The environment, for secrets that have no flag (passwords) and child processes. */
  readonly env: NodeJS.ProcessEnv;
}

export interface CommandInput {
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** Returns the exit status (0 when omitted); throws a TurnoverError to fail with one line. */
export type Handler = (input: CommandInput, context: CommandContext) => Promise<number | void>;

/** A command as data (the drizzle-kit model): the handler module is imported only when run. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly description?: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: readonly OptionSpec[];
  readonly subcommands?: readonly CommandSpec[];
  readonly load?: () => Promise<Handler>;
  /** Example invocations printed at the end of --help. */
  readonly examples?: readonly string[];
}
