import { Command, Option } from 'commander';
import type { CommandSpec, CommandInput, Handler, OptionSpec } from './command-spec.js';

/** Runs a loaded handler with the parsed input; provided by the entry point. */
export type Dispatch = (spec: CommandSpec, handler: Handler, input: CommandInput) => Promise<void>;

/**
 * Turns command specs into a commander program. Help, env fallbacks and value
 * parsing all come from the same OptionSpec, so they cannot disagree.
 */
export function buildProgram(root: CommandSpec, version: string, dispatch: Dispatch): Command {
  const program = toCommand(root, dispatch);
  program.version(version, '-V, --version', 'print the version and exit');
  program.showHelpAfterError('(run with --help for usage)');
  program.enablePositionalOptions(false);
  return program;
}

function toCommand(spec: CommandSpec, dispatch: Dispatch): Command {
  const command = new Command(spec.name).description(spec.description ?? spec.summary).summary(spec.summary);
  command.helpOption('-h, --help', 'show help for this command');
  // errors of every (sub)command reach the entry point, which owns exit statuses
  command.exitOverride();
  for (const argument of spec.arguments ?? []) command.argument(argument.name, argument.description);
  for (const option of spec.options ?? []) {
    const description = option.formerEnv ? `${option.description} (old env name ${option.formerEnv} still read)` : option.description;
    const built = new Option(option.flags, description);
    if (option.env) built.env(option.env);
    if (option.choices) built.choices(option.choices);
    if (option.parse) built.argParser(option.parse);
    if (option.defaultValue !== undefined) built.default(option.defaultValue);
    command.addOption(built);
  }
  for (const sub of spec.subcommands ?? []) command.addCommand(toCommand(sub, dispatch));
  if (spec.examples?.length) {
    command.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
  const load = spec.load;
  if (load) {
    command.action(async function (this: Command) {
      for (const option of spec.options ?? []) if (option.formerEnv) readFormerEnv(this, option);
      const handler = await load();
      await dispatch(spec, handler, { args: this.processedArgs.flat() as string[], options: this.optsWithGlobals() });
    });
  }
  return command;
}

/**
 * An option's value from its env variable's old name, when neither the flag
 * nor the current name gave one (commander reads only one name per option).
 */
function readFormerEnv(command: Command, option: OptionSpec): void {
  const former = option.formerEnv!;
  const key = command.options.find((o) => o.flags === option.flags)!.attributeName();
  const source = command.getOptionValueSource(key);
  if ((command.getOptionValue(key) !== undefined && source !== 'default') || !(former in process.env)) return;
  const raw = process.env[former]!;
  command.setOptionValueWithSource(key, option.parse ? option.parse(raw, undefined) : raw, 'env');
}
