import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { POSTGRES_DIALECT } from '../../src/warehouse/postgres/index.js';
import { buildSql, findModels } from '../../src/warehouse/sql-models/build-sql.js';
import { compileModel, splitArguments, SqlModelError } from '../../src/warehouse/sql-models/compile.js';
import { contractChecks, readContract } from '../../src/warehouse/sql-models/data-contract.js';
import type { SqlDialect } from '../../src/warehouse/sql-models/sql-spelling.js';
import { VERTICA_DIALECT } from '../../src/warehouse/vertica/index.js';
import { GOLDEN_DIR } from './recording-vertica-client.js';

/**
 * The SQL model compiler, macro by macro and refusal by refusal, for each
 * dialect's real spelling table and capabilities. Expected texts are written
 * out by hand (or are today's statements, for upsert), never produced by the
 * compiler itself.
 */

const pg = (model: string): string => compileModel(model, POSTGRES_DIALECT, 'model.sql');
const vertica = (model: string): string => compileModel(model, VERTICA_DIALECT, 'model.sql');

function refuses(model: string, why: RegExp, dialects: readonly SqlDialect[] = [POSTGRES_DIALECT, VERTICA_DIALECT]): void {
  for (const dialect of dialects) {
    assert.throws(() => compileModel(model, dialect, 'sql/models/x/model.sql'), (error: unknown) => {
      assert.ok(error instanceof SqlModelError, String(error));
      assert.match(error.message, /^sql\/models\/x\/model\.sql:\d+: /);
      assert.match(error.message, why);
      assert.equal(error.code, 'INTERNAL');
      return true;
    });
  }
}

describe('SQL model compiler: macros', () => {
  it('copies a model without macros as written, comment lines included', () => {
    const model = '-- why\nselect 1 as one\nfrom cdm.build_days\n';
    assert.equal(pg(model), model);
    assert.equal(vertica(model), model);
  });

  it('param(n): $n in PostgreSQL (reusable), ? in Vertica', () => {
    const model = 'where day between {{ param(1) }}::date and {{param(2)}}::date';
    assert.equal(pg(model), 'where day between $1::date and $2::date');
    assert.equal(vertica(model), 'where day between ?::date and ?::date');
    assert.equal(pg('where a = {{ param(1) }} or b = {{ param(1) }}'), 'where a = $1 or b = $1');
  });

  it('params, p and join_params: numbered placeholders in PostgreSQL, a params CTE bound once in Vertica', () => {
    const model = [
      'with {{ params(day_from date, day_to date, currency_list code_list, topic text) }}picked as (',
      '    select x',
      '    from t',
      '    {{ join_params }}',
      '    where d between {{ p(day_from) }} and {{ p(day_to) }}',
      '      and {{ p(topic) }} <> {{ p(currency_list) }}',
      ')',
    ].join('\n');
    assert.equal(
      pg(model),
      ['with picked as (', '    select x', '    from t', '    where d between $1::date and $2::date', '      and $4::text <> $3::text', ')'].join('\n'),
    );
    assert.equal(
      vertica(model),
      [
        'with params as (',
        '    select',
        '        ?::date as day_from,',
        '        ?::date as day_to,',
        "        ',' || ?::varchar(256) || ',' as currency_list,",
        '        ?::varchar as topic',
        '),',
        '',
        'picked as (',
        '    select x',
        '    from t',
        '    cross join params',
        '    where d between params.day_from and params.day_to',
        '      and params.topic <> params.currency_list',
        ')',
      ].join('\n'),
    );
  });

  it('code_list_empty and code_list_has over a code_list parameter', () => {
    const model = [
      'with {{ params(codes code_list) }}x as (select 1)',
      'where {{ code_list_empty(codes) }}',
      '   or {{ code_list_has(codes, t.currency_code) }}',
    ].join('\n');
    assert.equal(pg(model), ["with x as (select 1)", "where $1::text = ''", "   or t.currency_code = any(string_to_array($1::text, ',')::integer[])"].join('\n'));
    assert.match(vertica(model), /\nwhere params\.codes = ',,'\n   or instr\(params\.codes, ',' \|\| t\.currency_code::varchar \|\| ','\) > 0$/);
  });

  it('date_series: generate_series in PostgreSQL, timeseries over the params CTE in Vertica, indented like the call', () => {
    const model = ['with {{ params(day_from date, day_to date) }}days as (', '    {{ date_series(day_from, day_to, date_update) }}', ')'].join('\n');
    assert.equal(pg(model), ['with days as (', "    select generate_series($1::date, $2::date, interval '1 day')::date as date_update", ')'].join('\n'));
    assert.equal(
      vertica(model).split('\n\n')[1],
      [
        'days as (',
        '    select slice_time::date as date_update',
        '    from (',
        '        select day_from::timestamp as bound from params',
        '        union all',
        '        select day_to::timestamp as bound from params',
        '    ) as bounds',
        "    timeseries slice_time as '1 day' over (order by bound)",
        ')',
      ].join('\n'),
    );
  });

  it('types: text, text(n), int4, int8, numeric(p, s), as_numeric, temporary', () => {
    const model = [
      'create {{ temporary }} table k (c {{ text(32) }}, d {{ text }})',
      'select a::{{ int4 }}, b::{{ int8 }}, null::{{ numeric(20, 6) }}, {{ as_numeric(sum(m), 38, 0) }}, c::varchar(20), e::float',
    ].join('\n');
    assert.equal(pg(model), ['create temporary table k (c text, d text)', 'select a::integer, b::bigint, null::numeric, sum(m), c::varchar(20), e::float'].join('\n'));
    assert.equal(
      vertica(model),
      ['create local temporary table k (c varchar(32), d varchar)', 'select a::int, b::int, null::numeric(20, 6), sum(m)::numeric(38, 0), c::varchar(20), e::float'].join('\n'),
    );
  });

  it("nullif_zero: nullif(expr, 0) in PostgreSQL, nullifzero(expr) in Vertica (arguments may hold commas in parentheses)", () => {
    const model = 'round(a / {{ nullif_zero(sum(a) over (partition by b, c)) }}, 6)';
    assert.equal(pg(model), 'round(a / nullif(sum(a) over (partition by b, c), 0), 6)');
    assert.equal(vertica(model), 'round(a / nullifzero(sum(a) over (partition by b, c)), 6)');
  });

  it('a macro that expands to nothing on its own line takes the line with it; elsewhere it leaves the line', () => {
    const model = 'with {{ params(d date) }}x as (\n    {{ join_params }}\n    select {{ p(d) }}\n)';
    assert.equal(pg(model), 'with x as (\n    select $1::date\n)');
  });

  it('comment lines are never expanded', () => {
    assert.equal(pg('-- {{ nonsense(1) }} and ::int\nselect 1'), '-- {{ nonsense(1) }} and ::int\nselect 1');
  });

  it("upsert: today's stg_touch_day in both dialects, INSERT … ON CONFLICT where the dialect has upsert, else MERGE", () => {
    const model = '{{ upsert(stg.touched_days, key day::date, key kind, now touched_at) }}';
    const today = (dialect: string): string => readFileSync(join(GOLDEN_DIR, 'sql', dialect, 'stg_touch_day.sql'), 'utf8').trimEnd();
    assert.equal(pg(model), today('postgres'));
    assert.equal(vertica(model), today('vertica'));
  });

  it('upsert: the form follows the capabilities, not the dialect; reserved words are quoted; several set columns', () => {
    const model = '{{ upsert(stg.load_state, key topic, key partition, set next_offset, now updated_at) }}';
    const pgWithMergeOnly: SqlDialect = { ...POSTGRES_DIALECT, capabilities: { upsert: false, merge: true } };
    assert.match(compileModel(model, pgWithMergeOnly, 'model.sql'), /^merge into stg\.load_state as t\nusing \(\n    select\n        \$1 as topic,\n        \$2 as partition,\n        \$3 as next_offset\n\) as s\n/);
    assert.equal(
      pg(model),
      ['insert into stg.load_state (topic, partition, next_offset, updated_at)', 'values ($1, $2, $3, now())', 'on conflict (topic, partition) do update', 'set', '    next_offset = excluded.next_offset,', '    updated_at = excluded.updated_at'].join('\n'),
    );
    assert.equal(
      vertica(model),
      [
        'merge into stg.load_state as t',
        'using (',
        '    select',
        '        ? as topic,',
        '        ? as partition_id,',
        '        ? as next_offset',
        ') as s',
        'on t.topic = s.topic and t."partition" = s.partition_id',
        'when matched then update set',
        '    next_offset = s.next_offset,',
        '    updated_at = now()',
        'when not matched then insert (topic, "partition", next_offset, updated_at)',
        'values (s.topic, s.partition_id, s.next_offset, now())',
      ].join('\n'),
    );
  });

  it('upsert: add columns add the bound value to the stored one; columns in the order given; long column lists one a line', () => {
    const model = '{{ upsert(stg.load_state, key topic, key partition, set next_offset, now updated_at, add records_read, add rejected) }}';
    assert.equal(
      pg(model),
      [
        'insert into stg.load_state as t (',
        '    topic,',
        '    partition,',
        '    next_offset,',
        '    updated_at,',
        '    records_read,',
        '    rejected',
        ')',
        'values ($1, $2, $3, now(), $4, $5)',
        'on conflict (topic, partition) do update',
        'set',
        '    next_offset = excluded.next_offset,',
        '    updated_at = excluded.updated_at,',
        '    records_read = t.records_read + excluded.records_read,',
        '    rejected = t.rejected + excluded.rejected',
      ].join('\n'),
    );
    assert.equal(
      vertica(model),
      [
        'merge into stg.load_state as t',
        'using (',
        '    select',
        '        ? as topic,',
        '        ? as partition_id,',
        '        ? as next_offset,',
        '        ? as records_read,',
        '        ? as rejected',
        ') as s',
        'on t.topic = s.topic and t."partition" = s.partition_id',
        'when matched then update set',
        '    next_offset = s.next_offset,',
        '    updated_at = now(),',
        '    records_read = t.records_read + s.records_read,',
        '    rejected = t.rejected + s.rejected',
        'when not matched then insert (',
        '    topic,',
        '    "partition",',
        '    next_offset,',
        '    updated_at,',
        '    records_read,',
        '    rejected',
        ')',
        'values (',
        '    s.topic,',
        '    s.partition_id,',
        '    s.next_offset,',
        '    now(),',
        '    s.records_read,',
        '    s.rejected',
        ')',
      ].join('\n'),
    );
  });

  it('upsert: a type macro as a column type is spelled per dialect, any other type is written as is', () => {
    const model = '{{ upsert(t, key d::date, set a::text(5), set b::text, add n::int8) }}';
    assert.match(pg(model), /^values \(\$1::date, \$2::text, \$3::text, \$4::bigint\)$/m);
    assert.match(vertica(model), /^ {8}\?::date as d,\n {8}\?::varchar\(5\) as a,\n {8}\?::varchar as b,\n {8}\?::int as n\n\) as s$/m);
  });

  it('key_lookup: a lateral primary-key probe per key in PostgreSQL, a plain join in Vertica', () => {
    const model = 'select t.a\n{{ key_lookup(stg.things as t, chunk_keys as k, id, kind) }}';
    assert.equal(
      pg(model),
      [
        'select t.a',
        'from chunk_keys as k',
        'cross join lateral (',
        '    select stored.*',
        '    from stg.things as stored',
        '    where',
        '        stored.id = k.id',
        '        and stored.kind = k.kind',
        '    limit 1',
        ') as t',
      ].join('\n'),
    );
    assert.equal(vertica(model), ['select t.a', 'from stg.things as t', 'inner join chunk_keys as k', '    on', '        t.id = k.id', '        and t.kind = k.kind'].join('\n'));
  });

  it('delete_by_key: deletes by row ids found by a lateral primary-key probe in PostgreSQL, where exists in Vertica', () => {
    const model = '{{ delete_by_key(stg.things as t, chunk_keys as k, id, kind) }}';
    assert.equal(
      pg(model),
      [
        'with stored as (',
        '    select found.row_id',
        '    from chunk_keys as k',
        '    cross join lateral (',
        '        select t.ctid as row_id',
        '        from stg.things as t',
        '        where',
        '            t.id = k.id',
        '            and t.kind = k.kind',
        '        limit 1',
        '    ) as found',
        ')',
        '',
        'delete from stg.things',
        'where ctid = any (array(select row_id from stored))',
      ].join('\n'),
    );
    assert.equal(
      vertica(model),
      ['delete from stg.things', 'where exists (', '    select 1', '    from chunk_keys as k', '    where', '        k.id = stg.things.id', '        and k.kind = stg.things.kind', ')'].join('\n'),
    );
  });

  it('splits macro arguments on top-level commas only', () => {
    assert.deepEqual(splitArguments(" a , f(b, c), 'x, y', g((1, 2)) "), ['a', 'f(b, c)', "'x, y'", 'g((1, 2))']);
    assert.deepEqual(splitArguments('  '), []);
  });
});

describe('SQL model compiler: refusals', () => {
  it('an unknown macro', () => refuses('select {{ nullifzero(x) }}', /unknown macro nullifzero/));
  it('a macro call that does not parse, or braces without a call', () => {
    refuses('select {{ p(x }}', /does not parse/);
    refuses('select {{ text({{ int4 }}) }}', /does not parse/);
    refuses('select x }} from t', /"}}" without "{{"/);
  });
  it('the wrong number of arguments', () => {
    refuses('select {{ numeric(20) }}', /numeric\(\) takes 2 argument/);
    refuses('select {{ int8(3) }}', /int8\(\) takes 0 argument/);
    refuses('select {{ param() }}', /param\(\) takes 1 argument/);
  });
  it('param(n) out of order or twice where the dialect binds positionally (PostgreSQL may reuse $n)', () => {
    refuses('where a = {{ param(2) }} and b = {{ param(1) }}', /param\(2\) out of order: vertica binds each value once, in order \(expected param\(1\)\)/, [VERTICA_DIALECT]);
    refuses('where a = {{ param(1) }} or b = {{ param(1) }}', /param\(1\) out of order/, [VERTICA_DIALECT]);
    assert.equal(pg('where a = {{ param(2) }} and b = {{ param(1) }}'), 'where a = $2 and b = $1');
    refuses('where a = {{ param(0) }}', /a parameter number is 1, 2, 3/);
  });
  it('param(n) and params() in one statement, in either order', () => {
    refuses('with {{ params(d date) }}x as (select {{ p(d) }})\nwhere a = {{ param(1) }}', /param\(n\) and params\(\) in one statement/);
    refuses('select {{ param(1) }}\nwith {{ params(d date) }}x as (select {{ p(d) }})', /param\(n\) and params\(\) in one statement/);
  });
  it('a bare ::int, ::integer, ::bigint, ::text or ::varchar (width differs between dialects)', () => {
    for (const cast of ['::int', '::integer', '::bigint', '::text', ':: varchar', '::INT']) refuses(`select a${cast} as a`, /bare ::/);
    assert.equal(pg('select a::varchar(5), b::int8, c::integer_like'), 'select a::varchar(5), b::int8, c::integer_like');
  });
  it('named parameters: unknown in p(), an unknown type, declared twice, never used, params() twice or empty, join_params without params()', () => {
    refuses('with {{ params(d date) }}x as (select {{ p(e) }})', /p\(e\): no parameter e in params\(\)/);
    refuses('with {{ params(d interval) }}x as (select 1)', /d has type interval; known: date, timestamp, text, code_list/);
    refuses('with {{ params(d date, d date) }}x as (select {{ p(d) }})', /d twice/);
    refuses('with {{ params(d date, e date) }}x as (select {{ p(d) }})', /declares e but no p\(…\) uses it/);
    refuses('with {{ params(d date) }}x as (select {{ p(d) }}), {{ params(e date) }}y as (select {{ p(e) }})', /params\(\) twice/);
    refuses('with {{ params(d) }}x as (select 1)', /d has type \(none\)/);
    refuses('select 1\n{{ join_params }}', /join_params without params\(\)/);
    refuses('select {{ code_list_has(codes, x) }}', /no parameter codes/);
  });
  it('upsert without a key, with nothing to update, with a bad item, or on a dialect with neither upsert nor merge', () => {
    refuses('{{ upsert(t, set a) }}', /without a key column/);
    refuses('{{ upsert(t, key a) }}', /updates nothing/);
    refuses('{{ upsert(t, key a, put b) }}', /"put b" is not key\/set\/add\/now column/);
    refuses('{{ upsert(t, key a, now b::date) }}', /now b::date takes no type/);
    const neither: SqlDialect = { ...POSTGRES_DIALECT, capabilities: { upsert: false, merge: false } };
    refuses('{{ upsert(t, key a, set b) }}', /postgres has neither upsert .* nor merge/, [neither]);
  });
  it('key_lookup or delete_by_key with a table that is not "table as alias", or without a key column', () => {
    refuses('{{ key_lookup(stg.things, chunk_keys as k, id) }}', /key_lookup\(\): "stg\.things" is not "table as alias"/);
    refuses('{{ key_lookup(stg.things as t, chunk_keys as k) }}', /key_lookup\(\) takes 3 to Infinity argument/);
    refuses('{{ delete_by_key(stg.things as t, chunk_keys, id) }}', /delete_by_key\(\): "chunk_keys" is not "table as alias"/);
  });
  it('names the line of the refusal', () => {
    assert.throws(() => pg('select 1\nfrom t\nwhere {{ nope }}'), /^SqlModelError: model\.sql:3: unknown macro nope/);
  });
});

describe('SQL build: sql/models and sql/<dialect> into dist/sql/<dialect>', () => {
  const work = mkdtempSync(join(tmpdir(), 'turnover-sql-build-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(join(work, path, '..'), { recursive: true });
    writeFileSync(join(work, path), text);
  };

  it('compiles every model for every dialect, copies each dialect\'s own files, and leaves nothing stale', () => {
    write('src/models/mart/mart_one.sql', 'select {{ param(1) }}::date\n');
    write('src/postgres/mart_two.sql', 'select 2\n');
    write('src/postgres/migrations/stg/0001_x.sql', 'create table x ()\n');
    write('src/vertica/mart_three.sql', 'select 3\n');
    write('out/postgres/mart_gone.sql', 'select 0\n');
    const report = buildSql(join(work, 'src'), join(work, 'out'), [POSTGRES_DIALECT, VERTICA_DIALECT]);
    assert.deepEqual(report, [
      { dialect: 'postgres', compiled: 1, copied: 1, contracts: 0 },
      { dialect: 'vertica', compiled: 1, copied: 1, contracts: 0 },
    ]);
    assert.deepEqual(readdirSync(join(work, 'out', 'postgres')).sort(), ['mart_one.sql', 'mart_two.sql']);
    assert.deepEqual(readdirSync(join(work, 'out', 'vertica')).sort(), ['mart_one.sql', 'mart_three.sql']);
    assert.equal(readFileSync(join(work, 'out', 'postgres', 'mart_one.sql'), 'utf8'), 'select $1::date\n');
    assert.equal(readFileSync(join(work, 'out', 'vertica', 'mart_one.sql'), 'utf8'), 'select ?::date\n');
    assert.equal(existsSync(join(work, 'out', '.postgres.tmp')), false);
  });

  it('refuses a statement that is both a model and a dialect file, and a model named against its layer', () => {
    write('src/postgres/mart_one.sql', 'select 1\n');
    assert.throws(() => buildSql(join(work, 'src'), join(work, 'out'), [POSTGRES_DIALECT]), /^SqlModelError: src\/postgres\/mart_one\.sql: also a model under src\/models\//);
    rmSync(join(work, 'src', 'postgres', 'mart_one.sql'));
    write('src/models/dashboard/mart_one.sql', 'select 1\n');
    assert.throws(() => findModels(join(work, 'src', 'models')), /a model in dashboard\/ is named dashboard_…/);
    rmSync(join(work, 'src', 'models', 'dashboard', 'mart_one.sql'));
    assert.deepEqual(findModels(join(work, 'src', 'models')).map((m) => m.name), ['mart_one']);
  });
});

describe('data contracts: read, validated and compiled per dialect', () => {
  const work = mkdtempSync(join(tmpdir(), 'turnover-contracts-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  const contract = (name: string, text: string): string => {
    mkdirSync(join(work, 'mart'), { recursive: true });
    writeFileSync(join(work, 'mart', name), text);
    return join(work, 'mart', name);
  };

  it('turns unique, not_null, accepted_values and checks into queries and breakers, macros compiled per dialect', () => {
    const file = readContract(
      contract(
        'mart_things.yml',
        [
          'table: cdm.things',
          'unique: [day, code]',
          'not_null: [day]',
          'accepted_values:',
          "  status: [ok, \"it's\"]",
          '  code: [430, 440]',
          'checks:',
          '  positive:',
          '    sql: select day from cdm.things where amount::{{ int8 }} <= 0',
          '    broken_by: update cdm.things set amount = 0',
        ].join('\n'),
      ),
    );
    const checks = contractChecks(file, VERTICA_DIALECT);
    assert.deepEqual(
      checks.map((c) => [c.name, c.sql, c.brokenBy]),
      [
        ['unique (day, code)', 'select day, code, count(*) as copies\nfrom cdm.things\ngroup by day, code\nhaving count(*) > 1', 'insert into cdm.things\nselect * from cdm.things'],
        ['not null day', 'select *\nfrom cdm.things\nwhere day is null', 'update cdm.things\nset day = null'],
        [
          'accepted values of status',
          "select status, count(*) as rows_with_it\nfrom cdm.things\nwhere status not in ('ok', 'it''s')\ngroup by status",
          "update cdm.things\nset status = '~'\nwhere status = 'ok'",
        ],
        ['accepted values of code', 'select code, count(*) as rows_with_it\nfrom cdm.things\nwhere code not in (430, 440)\ngroup by code', 'update cdm.things\nset code = 429\nwhere code = 430'],
        ['positive', 'select day from cdm.things where amount::int <= 0', 'update cdm.things set amount = 0'],
      ],
    );
    assert.equal(contractChecks(file, POSTGRES_DIALECT)[4]!.sql, 'select day from cdm.things where amount::bigint <= 0');
  });

  it('refuses a file that is not YAML, an unknown key, a check without broken_by, a misnamed file, and a check the compiler refuses', () => {
    assert.throws(() => readContract(contract('mart_a.yml', 'table: [')), /mart_a\.yml: not YAML/);
    assert.throws(() => readContract(contract('mart_b.yml', 'table: cdm.b\nuniq: [x]')), /mart_b\.yml: \(root\): Unrecognized key.*uniq/);
    assert.throws(() => readContract(contract('mart_c.yml', 'table: cdm.c\nchecks:\n  x:\n    sql: select 1')), /mart_c\.yml: checks\.x\.broken_by: /);
    assert.throws(() => readContract(contract('mart_d.yml', 'table: cdm.other')), /the contract of cdm\.other in mart\/ is named mart_other\.yml/);
    const bad = readContract(contract('mart_e.yml', 'table: cdm.e\nchecks:\n  x:\n    sql: select a::text from cdm.e\n    broken_by: delete from cdm.e'));
    assert.throws(() => contractChecks(bad, POSTGRES_DIALECT), /mart_e\.yml \(x\):1: bare ::text/);
  });
});
