import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { CommandSpec } from '../../src/command/command-spec.js';
import { buildProgram } from '../../src/command/program.js';

/**
 * An env variable renamed without breaking a deployment: the option reads
 * its current name, then its old name, and the flag beats both (what
 * TURNOVER_LANDING_URL and its old name TURNOVER_STAGING_URL rely on).
 */

const CURRENT = 'TURNOVER_TEST_FORMER_ENV_CURRENT';
const FORMER = 'TURNOVER_TEST_FORMER_ENV_OLD';

async function parsedUrl(argv: readonly string[]): Promise<unknown> {
  let seen: unknown;
  const spec: CommandSpec = {
    name: 'turnover',
    summary: 'test',
    subcommands: [
      {
        name: 'run',
        summary: 'test',
        options: { someUrl: { flags: '--some-url <url>', description: 'a URL', env: CURRENT, formerEnv: FORMER } },
        load: async () => async () => undefined,
      },
    ],
  };
  const program = buildProgram(spec, '0.0.0', async (_spec, _handler, input) => {
    seen = input.options.someUrl;
  });
  await program.parseAsync(['node', 'turnover', 'run', ...argv]);
  return seen;
}

describe('command kit: an option read under its env variable\'s old name', () => {
  afterEach(() => {
    delete process.env[CURRENT];
    delete process.env[FORMER];
  });

  it('reads the old name when the current one is not set', async () => {
    process.env[FORMER] = 'postgres://old/db';
    assert.equal(await parsedUrl([]), 'postgres://old/db');
  });

  it('prefers the current name to the old one', async () => {
    process.env[FORMER] = 'postgres://old/db';
    process.env[CURRENT] = 'postgres://new/db';
    assert.equal(await parsedUrl([]), 'postgres://new/db');
  });

  it('prefers the flag to either', async () => {
    process.env[FORMER] = 'postgres://old/db';
    assert.equal(await parsedUrl(['--some-url', 'postgres://flag/db']), 'postgres://flag/db');
  });

  it('leaves the option unset when neither name is', async () => {
    assert.equal(await parsedUrl([]), undefined);
  });

  it('says so in --help', () => {
    const program = buildProgram({ name: 'turnover', summary: 't', options: { someUrl: { flags: '--some-url <url>', description: 'a URL', env: CURRENT, formerEnv: FORMER } } }, '0.0.0', async () => undefined);
    assert.match(program.helpInformation().replace(/\s+/g, ' '), new RegExp(`old env name ${FORMER} still read\\) \\(env: ${CURRENT}\\)`));
  });
});
