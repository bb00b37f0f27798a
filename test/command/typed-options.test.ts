import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { defineCommand, defineOptions, type CommandSpec, type Handler, type OptionsOf } from '../../src/command/command-spec.js';
import { NO_VALUES, pickValues } from '../../src/command/edge-values.js';
import { parseOptions } from '../../src/command/option-values.js';
import { positiveInt } from '../../src/command/parsers.js';
import { buildProgram } from '../../src/command/program.js';
import { UsageError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';

/**
 * The command kit hands a handler its options validated once, typed from
 * their declaration and frozen: a bad value is a usage error naming the flag,
 * whether it came from the flag, the env variable or its old name.
 */

const CURRENT = 'TURNOVER_TEST_TYPED_COUNT';
const FORMER = 'TURNOVER_TEST_TYPED_COUNT_OLD';

const OPTIONS = defineOptions({
  count: { flags: '--count <n>', description: 'a count', env: CURRENT, formerEnv: FORMER, defaultValue: 5, schema: positiveInt('--count') },
  label: { flags: '--label <text>', description: 'a label' },
  mode: { flags: '--mode <mode>', description: 'a choice', choices: ['fast', 'slow'], defaultValue: 'fast' },
  json: { flags: '--json', description: 'a switch' },
  color: { flags: '--no-color', description: 'a negated switch' },
  tag: { flags: '--tag <tag>', description: 'repeatable', repeatable: true },
  secret: { flags: '--secret <s>', description: 'not in --help', hidden: true },
});

type Options = OptionsOf<typeof OPTIONS>;

/** Runs `turnover run …argv` and returns what the handler received. */
async function received(argv: readonly string[]): Promise<Options> {
  let seen: Options | undefined;
  const handler: Handler<Options> = async ({ options }) => {
    seen = options;
  };
  const program = buildProgram(rootWith(defineCommand({ name: 'run', summary: 'test', options: OPTIONS, load: async () => handler })), '0.0.0', async (_spec, loaded, input) => {
    await loaded(input, { logger: silentLogger(), signal: new AbortController().signal, stdout: process.stdout, secrets: NO_VALUES, testHooks: NO_VALUES });
  });
  await program.parseAsync(['node', 'turnover', 'run', ...argv]);
  assert.ok(seen, 'the handler ran');
  return seen;
}

function rootWith(command: CommandSpec): CommandSpec {
  return { name: 'turnover', summary: 'test', subcommands: [command] };
}

describe('command kit: typed, validated, frozen options', () => {
  afterEach(() => {
    delete process.env[CURRENT];
    delete process.env[FORMER];
  });

  it('gives defaults in their declared types, switches as booleans, repeatables as arrays', async () => {
    const options = await received(['--tag', 'a', '--tag', 'b']);
    const count: number = options.count;
    const mode: 'fast' | 'slow' = options.mode;
    assert.equal(count, 5);
    assert.equal(mode, 'fast');
    assert.equal(options.label, undefined);
    assert.equal(options.json, false);
    assert.equal(options.color, true);
    assert.deepEqual(options.tag, ['a', 'b']);
  });

  it('converts a flag\'s value, and reads the env variable, then its old name, when the flag is absent', async () => {
    assert.equal((await received(['--count', '7', '--json', '--no-color'])).count, 7);
    process.env[FORMER] = '9';
    assert.equal((await received([])).count, 9);
    process.env[CURRENT] = '8';
    assert.equal((await received([])).count, 8);
    assert.equal((await received(['--count', '3'])).count, 3);
  });

  it('fails with one usage line naming the flag, wherever the bad value came from', async () => {
    const named = (error: unknown) => error instanceof UsageError && error.message === '--count must be a positive integer, got "zero"';
    await assert.rejects(received(['--count', 'zero']), named);
    process.env[CURRENT] = 'zero';
    await assert.rejects(received([]), named);
    delete process.env[CURRENT];
    process.env[FORMER] = 'zero';
    await assert.rejects(received([]), named);
  });

  it('names the flag in zod\'s own complaints too', () => {
    assert.throws(() => parseOptions(OPTIONS, { label: 42 }), (error: unknown) => error instanceof UsageError && /^--label: /.test(error.message));
  });

  it('freezes what the handler receives', async () => {
    const options = await received([]);
    assert.ok(Object.isFrozen(options));
    assert.throws(() => {
      (options as { count: number }).count = 1;
    }, TypeError);
  });

  it('keeps a hidden option out of --help but reads it', async () => {
    assert.equal((await received(['--secret', 's'])).secret, 's');
    const program = buildProgram(rootWith({ name: 'run', summary: 'test', options: OPTIONS, load: async () => async () => undefined }), '0.0.0', async () => undefined);
    const help = program.commands[0]!.helpInformation();
    assert.ok(help.includes('--count <n>') && !help.includes('--secret'), help);
  });

  it('refuses an option declared under another name than the one its value has', () => {
    assert.throws(() => buildProgram(rootWith({ name: 'run', summary: 'test', options: { size: { flags: '--chunk-size <n>', description: 'x' } } }), '0.0.0', async () => undefined), /declared as "size", not "chunkSize"/);
  });
});

describe('command kit: the secrets a handler may read', () => {
  it('holds only the allowlisted names, empty ones as unset', () => {
    const secrets = pickValues({ A: 'a', B: 'b', C: '' }, ['A', 'C'] as const);
    assert.equal(secrets.get('A'), 'a');
    assert.equal(secrets.get('C'), undefined);
    assert.equal((secrets as { get(name: string): string | undefined }).get('B'), undefined);
  });
});
