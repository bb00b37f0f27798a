import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDefinition, rowWidths } from '../../src/bi/definition/definition.js';
import { metabaseConnection, parseWarehouseTarget, sqlalchemyUri } from '../../src/bi/definition/warehouse-target.js';
import { entityId, metabaseCard, metabasePlacements } from '../../src/bi/metabase/metabase-cards.js';
import { oneLine } from '../../src/bi/report.js';
import { rison } from '../../src/bi/superset/rison.js';
import { supersetChart } from '../../src/bi/superset/superset-charts.js';
import { supersetPositions } from '../../src/bi/superset/superset-layout.js';
import { CURRENCIES } from '../../src/contracts/currencies.js';
import { ConfigError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir } from '../../src/paths.js';
import { ensureVenv, venvBin } from '../../src/setup/python-venv.js';
import { run } from '../../src/process/run-command.js';
import { copyDefinition } from './bi-support.js';

const definition = loadDefinition();

function rejects(edit: (yaml: string) => string, message: RegExp): void {
  const copy = copyDefinition(edit);
  try {
    assert.throws(() => loadDefinition(copy.file), (error: unknown) => error instanceof ConfigError && message.test(error.message));
  } finally {
    copy.remove();
  }
}

describe('bi/turnover.yaml: the one definition of both BI dashboards', () => {
  it('names the datasets over cdm.* and places every chart of the issue exactly once', () => {
    assert.equal(definition.dashboard.title, 'Company turnover');
    const kinds = new Map(definition.charts.map((c) => [c.key, c]));
    // USD turnover per day stacked by currency
    const stacked = kinds.get('turnover_by_currency')!;
    assert.ok(stacked.kind === 'bar' && stacked.stacked && stacked.series === 'currency' && stacked.metrics[0]!.column === 'turnover_usd');
    // last day with the change against the day before; transactions, accounts, average
    for (const key of ['turnover_last_day', 'transactions_last_day', 'accounts_last_day', 'average_last_day']) assert.equal(kinds.get(key)?.kind, 'big_number');
    // what drove the change, per day: the five effects
    const drivers = kinds.get('drivers_per_day')!;
    assert.ok(drivers.kind === 'bar');
    assert.deepEqual(drivers.metrics.map((m) => m.column), ['accounts_effect', 'frequency_effect', 'ticket_effect', 'fx_effect', 'entry_exit_effect']);
    assert.equal(kinds.get('data_quality')?.dataset, 'data_quality');
    for (const dataset of definition.datasets.values()) assert.match(dataset.sql, /\bfrom cdm\.(global_metrics|build_days|turnover_drivers|data_quality_daily)\b/);
    assert.deepEqual(definition.layout.flatMap((r) => r.charts).sort(), definition.charts.map((c) => c.key).sort());
  });

  it('names currencies in the SQL exactly as the feed contract does (CURRENCIES)', () => {
    for (const dataset of definition.datasets.values()) {
      const pairs = [...dataset.sql.matchAll(/select (\d{3})(?: as currency_code)?, '([A-Z]{3})'/g)].map((m) => ({ code: Number(m[1]), iso: m[2] }));
      if (pairs.length === 0) continue;
      assert.deepEqual(pairs, CURRENCIES.map((c) => ({ code: c.code, iso: c.iso })), `currency list of ${dataset.sqlFile}`);
    }
  });

  it('refuses a definition with an unknown dataset, an unplaced chart, a reused uuid or a bad field, naming it', () => {
    rejects((y) => y.replace('dataset: drivers_daily', 'dataset: drivers_weekly'), /chart drivers_per_day uses dataset drivers_weekly, which is not defined/);
    rejects((y) => y.replace('charts: [data_quality]', 'charts: [drivers_by_currency]'), /chart drivers_by_currency is placed twice/);
    rejects((y) => y.replace('uuid: 2604aee4-a4c9-4291-a62e-4065244192f6', 'uuid: 86b17998-5eb7-4a62-ba74-6f485addeaa6'), /uuid 86b17998-5eb7-4a62-ba74-6f485addeaa6 is used twice/);
    rejects((y) => y.replace('kind: big_number', 'kind: pie'), /charts\.turnover_last_day/);
    rejects((y) => y.replace('sql: sql/data_quality.sql', 'sql: sql/missing.sql'), /dataset data_quality: cannot read sql\/missing\.sql/);
  });
});

describe('the warehouse URL in each tool\'s form', () => {
  it('postgres:// becomes a psycopg2 SQLAlchemy URI, the password escaped, and masked the way Superset shows it', () => {
    const target = parseWarehouseTarget('postgres://report%40er:p%40ss:w@db.internal:6543/dwh?sslmode=require', 'test');
    assert.equal(sqlalchemyUri(target), 'postgresql+psycopg2://report%40er:p%40ss%3Aw@db.internal:6543/dwh?sslmode=require');
    assert.equal(sqlalchemyUri(target, { masked: true }), 'postgresql+psycopg2://report%40er:XXXXXXXXXX@db.internal:6543/dwh?sslmode=require');
    assert.deepEqual(metabaseConnection(target), { engine: 'postgres', details: { host: 'db.internal', port: 6543, dbname: 'dwh', user: 'report@er', password: 'p@ss:w', ssl: true } });
  });

  it('vertica:// becomes Superset\'s vertica_python dialect and Metabase\'s vertica engine; default ports filled in', () => {
    const target = parseWarehouseTarget('vertica://dbadmin:secret@vertica.internal/dwh', 'test');
    assert.equal(sqlalchemyUri(target), 'vertica+vertica_python://dbadmin:secret@vertica.internal:5433/dwh');
    assert.deepEqual(metabaseConnection(target), { engine: 'vertica', details: { host: 'vertica.internal', port: 5433, dbname: 'dwh', user: 'dbadmin', password: 'secret' } });
    const local = parseWarehouseTarget('postgres://postgres@127.0.0.1:15432/turnover_dwh', 'test');
    assert.equal(sqlalchemyUri(local), 'postgresql+psycopg2://postgres@127.0.0.1:15432/turnover_dwh');
  });

  it('refuses other schemes and URLs without a database, in one line', () => {
    assert.throws(() => parseWarehouseTarget('mysql://u@h/db', 'TURNOVER_WAREHOUSE_URL'), /TURNOVER_WAREHOUSE_URL has scheme mysql:\/\/ — supported: postgres:\/\/, vertica:\/\//);
    assert.throws(() => parseWarehouseTarget('postgres://u@h', 'X'), /X names no database/);
    assert.throws(() => parseWarehouseTarget(undefined, 'X'), /X is not set/);
  });
});

describe('the definition translated for each tool', () => {
  const ids = new Map(definition.charts.map((c, i) => [c.key, { id: i + 1, uuid: c.uuid, title: c.title }]));

  it('Superset: every chart placed once by id and uuid, each row 12 columns wide', () => {
    const positions = supersetPositions(definition, ids) as Record<string, { type: string; children?: string[]; meta?: { chartId: number; uuid: string; width: number } }>;
    const charts = Object.values(positions).filter((p) => p.type === 'CHART');
    assert.deepEqual(charts.map((c) => c.meta!.chartId).sort((a, b) => a - b), [...ids.values()].map((c) => c.id));
    for (const c of charts) assert.equal(c.meta!.uuid, definition.charts[c.meta!.chartId - 1]!.uuid);
    const rows = Object.values(positions).filter((p) => p.type === 'ROW');
    assert.equal(rows.length, definition.layout.length);
    for (const row of rows) assert.equal(row.children!.reduce((sum, id) => sum + (positions[id]!.meta!.width), 0), 12);
  });

  it('Superset: the saved query of every chart asks for the columns of its chart, by its dataset', () => {
    for (const chart of definition.charts) {
      const shape = supersetChart(chart, 7);
      const context = shape.queryContext as { datasource: { id: number }; queries: { columns: unknown[]; metrics: { column: { column_name: string }; aggregate: string }[] }[] };
      assert.deepEqual(context.datasource, { id: 7, type: 'table' });
      assert.equal((shape.params as { datasource: string }).datasource, '7__table');
      const query = context.queries[0]!;
      if (chart.kind === 'table') {
        assert.deepEqual(query.columns, chart.columns.map((c) => c.column));
      } else {
        assert.deepEqual(query.metrics.map((m) => [m.column.column_name, m.aggregate]), chart.metrics.map((m) => [m.column, 'SUM']));
      }
    }
  });

  it('Metabase: each card is its dataset\'s SQL, placed within 24 columns; entity ids are stable NanoIDs', () => {
    for (const chart of definition.charts) {
      const card = metabaseCard(definition, chart, 3);
      assert.equal(card.dataset_query.native.query, definition.datasets.get(chart.dataset)!.sql);
      assert.equal(card.dataset_query.database, 3);
      assert.match(entityId(chart.uuid), /^[A-Za-z0-9_-]{21}$/);
      assert.equal(entityId(chart.uuid), entityId(chart.uuid));
    }
    assert.equal(new Set(definition.charts.map((c) => entityId(c.uuid))).size, definition.charts.length);
    for (const p of metabasePlacements(definition)) assert.ok(p.col + p.size_x <= 24);
    assert.deepEqual(rowWidths(5, 12), [3, 3, 2, 2, 2]);
  });

  it('a driver error of several lines is reported in one', () => {
    const sqlalchemy = '(builtins.NoneType) None\n[SQL: (psycopg2.OperationalError) connection to server at "127.0.0.1", port 9 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?\n\n(Background on this error at: https://sqlalche.me/e/14/e3q8)]\n(Background on this error at: https://sqlalche.me/e/14/dbapi)';
    assert.equal(oneLine(sqlalchemy), '(psycopg2.OperationalError) connection to server at "127.0.0.1", port 9 failed: Connection refused Is the server running on that host and accepting TCP/IP connections?');
  });

  it('rison: the list queries Superset gets', () => {
    assert.equal(rison({ filters: [{ col: 'uuid', opr: 'in', value: ['86b17998-5eb7', "it's"] }], page_size: 100 }), "(filters:!((col:uuid,opr:in,value:!('86b17998-5eb7','it!'s'))),page_size:100)");
    assert.equal(rison({ a: true, b: null, c: 'x y' }), "(a:!t,b:!n,c:'x y')");
  });
});

describe('the dataset SQL parses as PostgreSQL and as Vertica (SQLFluff), also inside Superset\'s subquery', () => {
  it('every bi/sql file, alone and wrapped as Superset runs it', { timeout: 600_000 }, async () => {
    const cacheDir = defaultCacheDir(process.env);
    await ensureVenv('sqlfluff', cacheDir, silentLogger(), process.env);
    const work = mkdtempSync(join(tmpdir(), 'turnover-bi-sqlfluff-'));
    try {
      const origins = new Map<string, string>();
      for (const dataset of definition.datasets.values()) {
        writeFileSync(join(work, `${dataset.key}.sql`), `${dataset.sql}\n`);
        writeFileSync(join(work, `${dataset.key}_wrapped.sql`), `select count(*) from (\n${dataset.sql}\n) as virtual_table\n`);
        origins.set(`${dataset.key}.sql`, dataset.sqlFile).set(`${dataset.key}_wrapped.sql`, `${dataset.sqlFile} as a subquery`);
      }
      for (const dialect of ['postgres', 'vertica']) {
        const result = await run(venvBin('sqlfluff', cacheDir, 'sqlfluff'), ['lint', '.', '--dialect', dialect, '--format', 'json', '--rules', 'LT01', '--nofail', '--disable-progress-bar'], { cwd: work });
        assert.equal(result.code, 0, result.stderr);
        const report = JSON.parse(result.stdout) as { filepath: string; violations: { code: string; description: string }[] }[];
        assert.equal(report.length, origins.size);
        const failures = report.flatMap((f) => f.violations.filter((v) => v.code === 'PRS').map((v) => `${origins.get(f.filepath.replace(/^\.\//, ''))}: ${v.description}`));
        assert.deepEqual(failures, [], `${dialect}: SQLFluff cannot parse:\n${failures.join('\n')}`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
