import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { assertOwnDirectory } from '../../src/setup/postgres-binaries.js';

/**
 * Where PostgreSQL's binaries are run from (as root: under /var/tmp, which
 * every local user can write): only a directory of this user that no one
 * else can write. Each refusal is made for real on the file system.
 */
describe('the PostgreSQL binaries directory must be our own', () => {
  const base = mkdtempSync(join(tmpdir(), 'turnover-own-'));
  chmodSync(base, 0o755);
  after(() => rmSync(base, { recursive: true, force: true }));
  const refused = (dir: string, why: RegExp) =>
    assert.throws(() => assertOwnDirectory(dir), (error: unknown) => error instanceof ConfigError && why.test(error.message) && /remove it \(it is a cache\), or set TURNOVER_PG_BIN_DIR$/.test(error.message));

  it('a missing directory is created 0755 and accepted; ours again is accepted', () => {
    const dir = join(base, 'made', 'postgres-17');
    assertOwnDirectory(dir);
    assertOwnDirectory(dir);
  });

  it('refuses a group- or world-writable directory, and a symbolic link', () => {
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    refused(open, /is writable by group or others \(mode 777\)/);
    const link = join(base, 'link');
    symlinkSync(join(base, 'made'), link);
    refused(link, /is not a plain directory/);
  });

  it("refuses another user's directory", { skip: process.getuid?.() !== 0 && 'needs root to give a directory away' }, () => {
    const theirs = join(base, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    refused(theirs, /belongs to uid 65534, not to this user \(uid 0\)/);
  });
});
