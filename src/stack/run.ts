import type { Handler } from '../command/command-spec.js';
import { redact } from '../db/postgres-url.js';
import { EXIT_CODES, StackError } from '../errors.js';
import { childEnv } from '../process/child-env.js';
import type { StackDirOptions, StackStatusOptions, StackUpOptions } from './command.js';
import { LocalStack, stackEnv, type StackStatus } from './stack.js';
import { resolveStackSettings, stackInitialised, type StackSettingsInput } from './stack-settings.js';

/** The stack of these options; its servers (java, postgres) start with this process's environment. */
async function stackFor(options: StackSettingsInput): Promise<LocalStack> {
  const env = childEnv();
  return new LocalStack(await resolveStackSettings(options, env), env);
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

function printStatus(status: StackStatus, out: NodeJS.WritableStream): void {
  for (const c of status.components) {
    const state = c.healthy ? 'healthy' : c.pid ? 'running, not answering' : 'stopped';
    out.write(`${c.name.padEnd(9)} ${state.padEnd(23)} ${c.address.padEnd(16)} ${c.pid ? `pid ${c.pid}` : ''}\n`);
  }
}

const up: Handler<StackUpOptions> = async (input, context) => {
  const stack = await stackFor(input.options);
  const started = await stack.up(context.logger);
  const out = context.stdout;
  out.write(started.length === 0 ? 'stack already running\n' : `started: ${started.join(', ')}\n`);
  printStatus(await stack.status(), out);
  out.write(`\nstate: ${stack.settings.stateDir}\nconnect with (the command prints the passwords, masked below):\n  eval "$(npx turnover stack env${input.options.stateDir ? ` --state-dir ${shellQuote(stack.settings.stateDir)}` : ''})"\n`);
  // a terminal's scrollback and CI logs keep what up prints: the passwords stay in their 0600 files
  for (const [key, value] of Object.entries(stackEnv(stack.settings))) out.write(`  ${key}=${redact(value)}\n`);
};

const down: Handler<StackDirOptions> = async (input, context) => {
  const stack = await stackFor(input.options);
  const stopped = await stack.down(context.logger);
  context.stdout.write(stopped.length === 0 ? 'stack is not running\n' : `stopped: ${stopped.join(', ')}\n`);
};

const status: Handler<StackStatusOptions> = async (input, context) => {
  const stack = await stackFor(input.options);
  const result = await stack.status();
  if (input.options.json) {
    context.stdout.write(`${JSON.stringify({ ...result, stateDir: stack.settings.stateDir })}\n`);
  } else {
    if (!stackInitialised(stack.settings.stateDir)) context.stdout.write(`no stack in ${stack.settings.stateDir} yet: run \`turnover stack up\`\n`);
    printStatus(result, context.stdout);
  }
  // exit 6 (docs/operations.md): the stack is not running, or a part of it does not answer
  return result.healthy ? 0 : EXIT_CODES.STACK;
};

const env: Handler<StackDirOptions> = async (input, context) => {
  const stack = await stackFor(input.options);
  const result = await stack.status();
  if (!result.healthy) {
    const down = result.components.filter((c) => !c.healthy).map((c) => c.name).join(' and ');
    throw new StackError(`the local stack is not running (${down} down): run \`turnover stack up\` first`);
  }
  for (const [key, value] of Object.entries(stackEnv(stack.settings))) context.stdout.write(`export ${key}=${shellQuote(value)}\n`);
};

export const handlers = { up, down, status, env } as const;
