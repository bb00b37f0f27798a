import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../src/log/logger.js';
import { COMPILED_SQL_DIR, defaultCacheDir, PACKAGE_ROOT, SQL_DIR } from '../../src/paths.js';
import { ensureVenv, venvBin } from '../../src/setup/python-venv.js';
import { run } from '../../src/stack/processes.js';
import { splitStatements } from '../../src/warehouse/vertica/vertica-migrator.js';
import { GOLDEN_DIR } from './recording-vertica-client.js';

/**
 * Syntax check of every Vertica statement with SQLFluff's `vertica` dialect
 * (pinned in python/requirements-sqlfluff.txt): every statement the build
 * compiled for Vertica (dist/sql/vertica/: the models and sql/vertica/'s own
 * files), every migration under sql/vertica/migrations/, and every
 * statement of the golden files (what the dialect really sends, COPY
 * included). `?` parameters go through SQLFluff's placeholder templater.
 *
 * SQLFluff 4.5.0's grammar lacks a few real Vertica clauses; they are
 * removed before parsing (and only they), so the rest of each statement is
 * still checked. Each is checked against Vertica's documentation only:
 */
const GRAMMAR_GAPS: readonly { readonly what: string; readonly pattern: RegExp; readonly replacement: string }[] = [
  { what: 'COPY … RETURNREJECTED (driver-side rejected-row capture)', pattern: /\s+returnrejected\b/gi, replacement: '' },
  { what: 'COPY … NO COMMIT (keep the load in the caller\'s transaction)', pattern: /\s+no\s+commit\b/gi, replacement: '' },
  { what: 'LONG VARBINARY column type', pattern: /\blong\s+varbinary\b/gi, replacement: 'varbinary' },
];
/** Whole statements SQLFluff cannot parse at all: skipped, listed in docs/warehouse.md. */
const SKIPPED = [
  /^\s*lock\s+table\b/i,
  // the dashboard's read-only session: SQLFluff's vertica grammar has no SET SESSION CHARACTERISTICS
  /^\s*set\s+session\s+characteristics\s+as\s+transaction\b/i,
  /^-- connect$/,
  /^-- end$/,
];

function sqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sqlFiles(path);
    return name.endsWith('.sql') ? [path] : [];
  });
}

/** Statements of a golden file: the statement lines of each `-- [n]` block. */
function goldenStatements(text: string): string[] {
  return text
    .split(/^-- \[\d+\]\n/m)
    .slice(1)
    .map((block) => block.split('\n').filter((line) => !line.startsWith('-- ')).join('\n').trim().replace(/;$/, ''));
}

describe('Vertica SQL: syntax check with SQLFluff (vertica dialect)', () => {
  const work = mkdtempSync(join(tmpdir(), 'turnover-sqlfluff-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('parses every compiled Vertica statement, every migration and every statement the dialect sends (golden files)', { timeout: 900_000 }, async () => {
    const cacheDir = defaultCacheDir(process.env);
    await ensureVenv('sqlfluff', cacheDir, silentLogger(), process.env);
    const sources: { origin: string; sql: string }[] = [];
    for (const file of [...sqlFiles(join(COMPILED_SQL_DIR, 'vertica')), ...sqlFiles(join(SQL_DIR, 'vertica', 'migrations'))]) {
      const statements = splitStatements(readFileSync(file, 'utf8'));
      statements.forEach((sql, i) => sources.push({ origin: `${relative(PACKAGE_ROOT, file)}#${i + 1}`, sql }));
    }
    for (const name of readdirSync(GOLDEN_DIR).filter((f) => f.startsWith('vertica-'))) {
      goldenStatements(readFileSync(join(GOLDEN_DIR, name), 'utf8')).forEach((sql, i) => sources.push({ origin: `golden/${name}#${i + 1}`, sql }));
    }
    assert.ok(sources.length > 50, `found ${sources.length} statements`);
    copyFileSync(join(SQL_DIR, 'vertica', '.sqlfluff'), join(work, '.sqlfluff'));
    const origins = new Map<string, string>();
    let checked = 0;
    for (const { origin, sql } of sources) {
      if (SKIPPED.some((p) => p.test(sql))) continue;
      const text = GRAMMAR_GAPS.reduce((s, gap) => s.replace(gap.pattern, gap.replacement), sql);
      const name = `s${String(checked).padStart(4, '0')}.sql`;
      writeFileSync(join(work, name), `${text}\n`);
      origins.set(name, origin);
      checked += 1;
    }
    const sqlfluff = venvBin('sqlfluff', cacheDir, 'sqlfluff');
    const result = await run(sqlfluff, ['lint', '.', '--format', 'json', '--rules', 'LT01', '--nofail', '--disable-progress-bar'], { cwd: work });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { filepath: string; violations: { code: string; description: string }[] }[];
    assert.equal(report.length, checked, 'SQLFluff saw every statement');
    const failures = report.flatMap((f) =>
      f.violations.filter((v) => v.code === 'PRS').map((v) => `${origins.get(f.filepath.replace(/^\.\//, ''))}: ${v.description}`),
    );
    assert.deepEqual(failures, [], `SQLFluff cannot parse:\n${failures.join('\n')}`);
  });
});
