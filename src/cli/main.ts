#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { describeError, exitCodeOf, TurnoverError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { PACKAGE_ROOT } from '../paths.js';
import { ROOT_COMMAND, ROOT_OPTIONS } from './commands.js';
import { buildProgram } from '../command/program.js';
import type { CommandContext } from '../command/command-spec.js';
import { pickValues, SECRET_NAMES, TEST_HOOK_NAMES } from '../command/edge-values.js';
import { parseOptions } from '../command/option-values.js';

/**
 * The only place that turns errors into messages and exit statuses.
 * Everything below it throws TurnoverErrors and never calls process.exit.
 */
async function main(argv: string[]): Promise<number> {
  // An exported-but-empty TURNOVER_* variable means "not set" (`export X=` in a shell profile).
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('TURNOVER_') && value === '') delete process.env[key];
  }
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const shutdown = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write(`turnover: second ${name}, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(`turnover: ${name} received, stopping gracefully (send again to force)\n`);
    shutdown.abort(new TurnoverError('INTERNAL', `interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  takeOverEarlySignals(onSignal);
  watchSupervisor(process.env.TURNOVER_SUPERVISOR_PID, shutdown);

  let status = 0;
  const program = buildProgram(ROOT_COMMAND, version, async (_spec, handler, input) => {
    const { logLevel, logFormat } = parseOptions(ROOT_OPTIONS, input.options);
    const logger = createLogger({ level: logLevel, format: logFormat });
    // the environment stays here: a handler gets the secrets and test hooks it may read, by name
    const context: CommandContext = {
      logger,
      signal: shutdown.signal,
      stdout: process.stdout,
      secrets: pickValues(process.env, SECRET_NAMES),
      testHooks: pickValues(process.env, TEST_HOOK_NAMES),
    };
    status = (await handler(input, context)) ?? 0;
  });
  try {
    await program.parseAsync(argv);
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its message (or the help text)
      // help and --version exit 0; any other commander complaint is a usage error
      return error.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`turnover: ${describeError(error)}\n`);
    if (process.env.TURNOVER_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  }
}

/** Signals bin/turnover.js caught while the CLI was loading: handled now, like any other. */
function takeOverEarlySignals(onSignal: (signal: NodeJS.Signals) => void): void {
  const early = (globalThis as { turnoverEarlySignals?: { signals: NodeJS.Signals[]; listener: (s: NodeJS.Signals) => void } }).turnoverEarlySignals;
  if (!early) return;
  process.off('SIGINT', early.listener);
  process.off('SIGTERM', early.listener);
  for (const signal of early.signals.splice(0)) onSignal(signal);
}

/**
 * A stage started by `turnover up` stops gracefully when the runner is gone
 * (killed with SIGKILL, say) instead of running on as an orphan.
 */
function watchSupervisor(pid: string | undefined, shutdown: AbortController): void {
  if (!pid) return;
  const timer = setInterval(() => {
    try {
      process.kill(Number(pid), 0);
    } catch {
      clearInterval(timer);
      process.stderr.write(`turnover: the supervising turnover up (pid ${pid}) is gone, stopping gracefully\n`);
      shutdown.abort(new TurnoverError('INTERNAL', 'supervisor gone'));
    }
  }, 2_000);
  timer.unref();
}

const code = await main(process.argv);
// Drain stdout before exiting: `stack env` and `validate --json` are piped.
process.stdout.write('', () => process.exit(code));
