import { Command, Option } from 'commander';
import type { CommandSpec, CommandInput, Handler, OptionSpec, OptionSpecs } from './command-spec.js';
import { parseOptions } from './option-values.js';

/** Runs a loaded handler with the validated input; provided by the entry point. */
export type Dispatch = (spec: CommandSpec, handler: Handler, input: CommandInput) => Promise<void>;

/**
 * Turns command specs into a commander program. Help, env fallbacks and value
 * validation all come from the same OptionSpec, so they cannot disagree:
 * commander collects the raw values, parseOptions validates them once (the
 * command's own options and those of the commands above it) and the handler
 * gets them frozen.
 */
export function buildProgram(root: CommandSpec, version: string, dispatch: Dispatch): Command {
  const program = toCommand(root, dispatch, {});
  program.version(version, '-V, --version', 'print the version and exit');
  program.showHelpAfterError('(run with --help for usage)');
  program.enablePositionalOptions(false);
  return program;
}

function toCommand(spec: CommandSpec, dispatch: Dispatch, inherited: OptionSpecs): Command {
  const command = new Command(spec.name).description(spec.description ?? spec.summary).summary(spec.summary);
  command.helpOption('-h, --help', 'show help for this command');
  // errors of every (sub)command reach the entry point, which owns exit statuses
  command.exitOverride();
  for (const argument of spec.arguments ?? []) command.argument(argument.name, argument.description);
  const own = Object.entries(spec.options ?? {});
  for (const [key, option] of own) command.addOption(toOption(key, option));
  const specs: OptionSpecs = { ...inherited, ...spec.options };
  for (const sub of spec.subcommands ?? []) command.addCommand(toCommand(sub, dispatch, specs));
  if (spec.examples?.length) {
    command.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
  const load = spec.load;
  if (load) {
    command.action(async function (this: Command) {
      for (const [key, option] of own) if (option.formerEnv) readFormerEnv(this, key, option.formerEnv);
      const options = parseOptions(specs, this.optsWithGlobals());
      const handler = await load();
      await dispatch(spec, handler, { args: this.processedArgs.flat() as string[], options });
    });
  }
  return command;
}

function toOption(key: string, option: OptionSpec): Option {
  const description = option.formerEnv ? `${option.description} (old env name ${option.formerEnv} still read)` : option.description;
  const built = new Option(option.flags, description);
  // the handler's type names the value by its key: it must be the name commander stores it under
  if (built.attributeName() !== key) throw new Error(`option ${option.flags} is declared as "${key}", not "${built.attributeName()}"`);
  if (option.env) built.env(option.env);
  if (option.choices) built.choices(option.choices);
  if (option.repeatable) built.argParser(collect);
  if (option.hidden) built.hideHelp();
  if (option.defaultValue !== undefined) built.default(option.defaultValue);
  return built;
}

/** A repeatable option's occurrences, in order. */
function collect(value: string, previous: unknown): string[] {
  return [...(Array.isArray(previous) ? previous.map(String) : []), value];
}

/**
 * An option's value from its env variable's old name, when neither the flag
 * nor the current name gave one (commander reads only one name per option).
 */
function readFormerEnv(command: Command, key: string, former: string): void {
  const source = command.getOptionValueSource(key);
  if ((command.getOptionValue(key) !== undefined && source !== 'default') || !(former in process.env)) return;
  command.setOptionValueWithSource(key, process.env[former], 'env');
}
