import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir, PACKAGE_ROOT, SQL_DIR } from '../../src/paths.js';
import { run } from '../../src/process/run-command.js';
import { ensureVenv, venvBin } from '../../src/setup/python-venv.js';
import { verticaStatements } from './vertica-statements.js';

/**
 * Syntax check of every Vertica statement (compiled, migrations, golden
 * files: what the dialect really sends, COPY included) with SQLFluff's
 * `vertica` dialect, pinned in python/requirements-sqlfluff.txt. `?`
 * parameters go through SQLFluff's placeholder templater.
 *
 * Statements are parsed as sent, never rewritten: where SQLFluff 4.5.0's
 * grammar lacks a real Vertica clause (LONG VARBINARY(n), COPY's
 * RETURNREJECTED and NO COMMIT, LOCK TABLE, SET SESSION CHARACTERISTICS),
 * test/warehouse/sqlfluff/vertica_parse.py extends the grammar, each
 * extension after Vertica's documentation. Sizes are the limits test's
 * (vertica-limits.test.ts): a grammar takes any number.
 */
const PARSER = join(PACKAGE_ROOT, 'test', 'warehouse', 'sqlfluff', 'vertica_parse.py');

/** Parse errors of each statement, by index (each call in a directory of its own under `parent`). */
async function parseErrors(statements: readonly string[], parent: string): Promise<Map<number, string[]>> {
  const work = mkdtempSync(join(parent, 'run-'));
  copyFileSync(join(SQL_DIR, 'vertica', '.sqlfluff'), join(work, '.sqlfluff'));
  statements.forEach((sql, i) => writeFileSync(join(work, `s${String(i).padStart(4, '0')}.sql`), `${sql}\n`));
  const cacheDir = defaultCacheDir(process.env);
  await ensureVenv('sqlfluff', cacheDir, silentLogger(), process.env);
  const result = await run(venvBin('sqlfluff', cacheDir, 'python'), [PARSER, work], { cwd: work });
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { file: string; errors: string[] }[];
  assert.equal(report.length, statements.length, 'SQLFluff saw every statement');
  return new Map(report.map((r) => [Number(r.file.slice(1, 5)), r.errors]));
}

describe('Vertica SQL: syntax check with SQLFluff (vertica dialect)', () => {
  const work = mkdtempSync(join(tmpdir(), 'turnover-sqlfluff-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('parses every compiled Vertica statement, every migration and every statement the dialect sends (golden files), as sent', { timeout: 900_000 }, async () => {
    const statements = verticaStatements();
    assert.ok(statements.length > 100, `found ${statements.length} statements`);
    const errors = await parseErrors(statements.map((s) => s.sql), work);
    const failures = statements.flatMap(({ origin }, i) => (errors.get(i) ?? []).map((e) => `${origin}: ${e}`));
    assert.deepEqual(failures, [], `SQLFluff cannot parse:\n${failures.join('\n')}`);
  });

  it('still refuses what Vertica refuses: the grammar extensions are no wider than the clauses they add', { timeout: 900_000 }, async () => {
    const wrong = [
      'lock table stg.load_state in exclusive',
      'lock table stg.load_state in everything mode',
      'set session characteristics as transaction read sometimes',
      "copy stg.rejects (a) from local stdin delimiter E'\\t' returnrejected no commmit",
      'create table t (v long varbinry(100))',
      'select from where',
    ];
    const errors = await parseErrors(wrong, work);
    wrong.forEach((sql, i) => assert.ok((errors.get(i) ?? []).length > 0, `parsed although wrong: ${sql}`));
  });
});
