import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CommandSpec } from '../../src/command/command-spec.js';
import { ROOT_COMMAND } from '../../src/cli/commands.js';
import { runCli } from '../support/cli.js';
import { PACKAGE_ROOT } from '../support/paths.js';

/**
 * The CLI surface, pinned: `turnover … --help` of every command of the table
 * (the root, every group and every runnable command) equals its file under
 * test/cli/help/. Options, defaults, environment variables and wording
 * cannot change by accident while the code behind them moves;
 * TURNOVER_UPDATE_GOLDEN=1 rewrites the files after a reviewed change.
 */

const HELP_DIR = join(PACKAGE_ROOT, 'test', 'cli', 'help');

function commandPaths(spec: CommandSpec, path: readonly string[] = []): string[][] {
  return [[...path], ...(spec.subcommands ?? []).flatMap((sub) => commandPaths(sub, [...path, sub.name]))];
}

const fileOf = (path: readonly string[]): string => `${['turnover', ...path].join('-')}.txt`;

describe('CLI: --help of every command equals its snapshot', () => {
  const paths = commandPaths(ROOT_COMMAND);

  it('has one snapshot per command and none for a command that is gone', () => {
    assert.ok(paths.length > 20, `the command table has ${paths.length} commands`);
    const expected = paths.map(fileOf).sort();
    const present = existsSync(HELP_DIR) ? readdirSync(HELP_DIR).filter((f) => f.endsWith('.txt')).sort() : [];
    if (process.env.TURNOVER_UPDATE_GOLDEN === '1') return;
    assert.deepEqual(present, expected);
  });

  for (const path of paths) {
    it(['turnover', ...path, '--help'].join(' '), async () => {
      const result = await runCli([...path, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      const file = join(HELP_DIR, fileOf(path));
      if (process.env.TURNOVER_UPDATE_GOLDEN === '1') {
        mkdirSync(HELP_DIR, { recursive: true });
        writeFileSync(file, result.stdout);
        return;
      }
      assert.equal(result.stdout, readFileSync(file, 'utf8'), `--help differs from ${file} (TURNOVER_UPDATE_GOLDEN=1 to accept a reviewed change)`);
    });
  }
});
