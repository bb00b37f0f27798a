import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CommandSpec } from '../../src/command/command-spec.js';
import { ROOT_COMMAND } from '../../src/cli/commands.js';
import { PACKAGE_ROOT } from '../support/paths.js';

function optionVariables(spec: CommandSpec): string[] {
  return [...Object.values(spec.options ?? {}).flatMap((o) => [o.env, o.formerEnv].filter((v): v is string => v !== undefined)), ...(spec.subcommands ?? []).flatMap(optionVariables)];
}

describe('docs/configuration.md', () => {
  it('lists every environment variable a command option reads', () => {
    const doc = readFileSync(join(PACKAGE_ROOT, 'docs', 'configuration.md'), 'utf8');
    const variables = [...new Set(optionVariables(ROOT_COMMAND))];
    assert.ok(variables.length > 30, 'the command table declares its variables');
    const missing = variables.filter((v) => !doc.includes(`\`${v}\``));
    assert.deepEqual(missing, []);
  });

  it('lists every command of SPEC §5 in the README', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    for (const command of ['stack up', 'migrate', 'generate', 'replay', 'validate', 'ingest', 'load-stg', 'build-marts', 'dashboard', 'bi superset', 'bi metabase provision', 'up']) {
      assert.ok(readme.includes(`turnover ${command}`), `README mentions turnover ${command}`);
    }
  });
});
