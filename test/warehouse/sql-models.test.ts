import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMPILED_SQL_DIR } from '../../src/paths.js';
import { readSql } from '../../src/warehouse/sql-files.js';
import type { DialectName } from '../../src/warehouse/warehouse.js';
import { GOLDEN_DIR, stripComments } from './recording-vertica-client.js';

/**
 * Snapshots of every statement each dialect sends, as the dialect reads it
 * from what `npm run build` compiled into dist/sql/<dialect>/ (comments
 * stripped, as in the golden statement logs): one file per statement under
 * test/warehouse/golden/sql/<dialect>/. They pin the two
 * statements no golden log holds (runner_progress, stg_delete_replaced_currencies)
 * and every PostgreSQL statement, so that rewriting where SQL comes from
 * cannot change what is sent. TURNOVER_UPDATE_GOLDEN=1 rewrites them after a
 * reviewed change.
 */

const DIALECTS: readonly DialectName[] = ['postgres', 'vertica'];

const statementNames = (dialect: DialectName): string[] =>
  readdirSync(join(COMPILED_SQL_DIR, dialect))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length))
    .sort();

const snapshotDir = (dialect: DialectName): string => join(GOLDEN_DIR, 'sql', dialect);

for (const dialect of DIALECTS) {
  describe(`SQL snapshots: every ${dialect} statement`, () => {
    const names = statementNames(dialect);

    it('has one snapshot per statement and none for a statement that is gone', () => {
      assert.ok(names.length > 25, `${dialect} has ${names.length} statements`);
      if (process.env.TURNOVER_UPDATE_GOLDEN === '1') return;
      const snapshots = readdirSync(snapshotDir(dialect)).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -'.sql'.length)).sort();
      assert.deepEqual(snapshots, names);
    });

    for (const name of names) {
      it(name, () => {
        const text = `${stripComments(readSql(dialect, name))}\n`;
        const file = join(snapshotDir(dialect), `${name}.sql`);
        if (process.env.TURNOVER_UPDATE_GOLDEN === '1' || !existsSync(file)) {
          mkdirSync(snapshotDir(dialect), { recursive: true });
          writeFileSync(file, text);
          if (process.env.TURNOVER_UPDATE_GOLDEN !== '1') assert.fail(`snapshot ${file} did not exist: written, review and commit it`);
          return;
        }
        assert.equal(text, readFileSync(file, 'utf8'), `${dialect}/${name} differs from ${file} (TURNOVER_UPDATE_GOLDEN=1 to accept a reviewed change)`);
      });
    }
  });
}
