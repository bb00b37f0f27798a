import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeOnly, VERTICA_LIMITS, verticaLimitViolations } from './vertica-limits.js';
import { verticaStatements } from './vertica-statements.js';

describe("Vertica SQL: every statement within Vertica's documented limits", () => {
  it('holds for every compiled statement, migration and golden statement', () => {
    const statements = verticaStatements();
    assert.ok(statements.length > 100, `found ${statements.length} statements`);
    const failures = statements.flatMap(({ origin, sql }) => verticaLimitViolations(sql).map((v) => `${origin}: ${v}`));
    assert.deepEqual(failures, []);
  });

  it('finds each kind of limit broken, at the limit plus one, and accepts the limit itself', () => {
    const cases: [string, number][] = [
      ['create table t (v long varbinary(33554432))', 1],
      [`create table t (v long varbinary(${VERTICA_LIMITS.longType}), w long varchar(${VERTICA_LIMITS.longType}))`, 0],
      [`create table t (v long varchar(${VERTICA_LIMITS.longType + 1}))`, 1],
      [`create table t (a varchar(${VERTICA_LIMITS.shortType}), b char(${VERTICA_LIMITS.shortType}), c varbinary(${VERTICA_LIMITS.shortType}), d binary(${VERTICA_LIMITS.shortType}))`, 0],
      [`create table t (a VARCHAR(${VERTICA_LIMITS.shortType + 1}), b Binary (65001), c varchar(0))`, 3],
      [`select x::numeric(${VERTICA_LIMITS.numericPrecision}, 2), y::decimal(1025), z::number(5, 6)`, 2],
      [`select 1 as ${'c'.repeat(128)}, 2 as "${'é'.repeat(64)}"`, 0],
      [`select 1 as ${'c'.repeat(129)}`, 1],
      [`select 1 as "${'é'.repeat(65)}"`, 1],
    ];
    for (const [sql, expected] of cases) assert.equal(verticaLimitViolations(sql).length, expected, `${sql}: ${verticaLimitViolations(sql).join('; ')}`);
  });

  it('reads types and names, not what literals and comments say', () => {
    const sql = `select 'varchar(99999)', E'it''s \\' varbinary(99999)', 'a''b varchar(70000)' -- char(70000)\n /* numeric(2000) */ from t`;
    assert.deepEqual(verticaLimitViolations(sql), []);
    assert.equal(codeOnly(sql).length, sql.length);
    assert.deepEqual(verticaLimitViolations(`select 'x' || varchar_col from t where c::varchar(70000) = ''`).length, 1);
  });
});
