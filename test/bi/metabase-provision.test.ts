import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadDefinition } from '../../src/bi/definition/definition.js';
import { entityId } from '../../src/bi/metabase/metabase-cards.js';
import { runCli } from '../support/cli.js';
import { copyDefinition } from './bi-support.js';
import { FakeMetabase } from './fake-metabase.js';

const USER = 'admin@example.com';
const PASSWORD = 'metabase-secret-1';
const WAREHOUSE = 'postgres://reporter:pw@warehouse.internal:5432/turnover_dwh';

const definition = loadDefinition();
const CHARTS = definition.charts.length;

function provision(metabase: FakeMetabase, extra: { args?: string[]; env?: Record<string, string> } = {}) {
  return runCli(['bi', 'metabase', 'provision', '--url', metabase.url, '--user', USER, ...(extra.args ?? [])], {
    env: { TURNOVER_METABASE_PASSWORD: PASSWORD, TURNOVER_BI_WAREHOUSE_URL: WAREHOUSE, ...extra.env },
  });
}

const writes = (sequence: string[]) => sequence.filter((r) => !r.startsWith('GET ') && r !== 'POST /api/session');

describe('turnover bi metabase provision (against a fake Metabase API)', () => {
  const metabase = new FakeMetabase(USER, PASSWORD);
  before(() => metabase.start());
  after(() => metabase.stop());

  it('provisions a fresh instance: database, collection, one native question per chart, the dashboard and its cards', async () => {
    const result = await provision(metabase);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(metabase.takeSequence(), [
      'POST /api/session',
      'GET /api/database',
      'POST /api/database',
      'GET /api/collection',
      'POST /api/collection',
      'GET /api/collection/:id/items?models=card&models=dashboard',
      ...Array.from({ length: CHARTS }, () => 'POST /api/card'),
      'POST /api/dashboard',
      'GET /api/dashboard/:id',
      'PUT /api/dashboard/:id',
    ]);

    const [database] = [...metabase.databases.values()];
    assert.equal(metabase.databases.size, 1);
    assert.equal(database!.engine, 'postgres');
    assert.deepEqual(database!.details, { host: 'warehouse.internal', port: 5432, dbname: 'turnover_dwh', user: 'reporter', password: 'pw', ssl: false });

    const ours = [...metabase.collections.values()].filter((c) => c.name === definition.dashboard.collection);
    assert.equal(ours.length, 1);
    const collectionId = ours[0]!.id;

    const cards = [...metabase.cards.values()];
    assert.equal(cards.length, CHARTS);
    for (const chart of definition.charts) {
      const card = cards.find((c) => c.entity_id === entityId(chart.uuid));
      assert.ok(card, `no card for chart ${chart.key}`);
      assert.equal(card.name, chart.title);
      assert.equal(card.collection_id, collectionId);
      const query = card.dataset_query as { type: string; native: { query: string }; database: number };
      assert.equal(query.type, 'native');
      assert.equal(query.database, database!.id);
      // the question's SQL is the dataset's file, byte for byte (one meaning, one place)
      const file = new URL(definition.datasets.get(chart.dataset)!.sqlFile, `file://${definition.file}`);
      assert.equal(query.native.query, readFileSync(file, 'utf8').trim());
    }

    const [dashboard] = [...metabase.dashboards.values()];
    assert.equal(metabase.dashboards.size, 1);
    assert.equal(dashboard!.name, definition.dashboard.title);
    const dashcards = dashboard!.dashcards as { card_id: number; row: number; col: number; size_x: number; size_y: number }[];
    assert.deepEqual(dashcards.map((d) => d.card_id).sort(), cards.map((c) => c.id as number).sort());
    // within the 24-column grid, and no two cards overlap
    const cells = new Set<string>();
    for (const d of dashcards) {
      assert.ok(d.col + d.size_x <= 24, `card ${d.card_id} overflows the grid`);
      for (let r = d.row; r < d.row + d.size_y; r += 1) {
        for (let c = d.col; c < d.col + d.size_x; c += 1) {
          assert.ok(!cells.has(`${r}/${c}`), `cards overlap at ${r}/${c}`);
          cells.add(`${r}/${c}`);
        }
      }
    }
    assert.match(result.stdout, new RegExp(`dashboard: ${metabase.url}/dashboard/${dashboard!.id as number}`));
  });

  it('a re-run reads everything, writes nothing and creates no duplicates', async () => {
    const before = { cards: [...metabase.cards.keys()], dashcards: (metabase.dashboards.values().next().value!.dashcards as { id: number }[]).map((d) => d.id) };
    const result = await provision(metabase);
    assert.equal(result.code, 0, result.stderr);
    const sequence = metabase.takeSequence();
    assert.deepEqual(writes(sequence), []);
    assert.deepEqual(sequence, [
      'POST /api/session',
      'GET /api/database',
      'GET /api/database/:id',
      'GET /api/collection',
      'GET /api/collection/:id/items?models=card&models=dashboard',
      ...Array.from({ length: CHARTS }, () => 'GET /api/card/:id'),
      'GET /api/dashboard/:id',
    ]);
    assert.match(result.stdout, /nothing to change/);
    assert.deepEqual([...metabase.cards.keys()], before.cards);
    assert.equal(metabase.dashboards.size, 1);
    assert.equal([...metabase.collections.values()].filter((c) => c.name === definition.dashboard.collection).length, 1);
    assert.deepEqual((metabase.dashboards.values().next().value!.dashcards as { id: number }[]).map((d) => d.id), before.dashcards);
  });

  it('a changed definition updates the same objects: a renamed chart, a changed SQL file, a new warehouse host', async () => {
    const copy = copyDefinition((yaml) => yaml.replace('title: USD turnover, last day', 'title: Turnover of the last day'), {
      'sql/drivers_daily.sql': (sql) => sql.replace("where turnover_drivers.kind = 'total'", "where turnover_drivers.kind = 'total'\n      and turnover_drivers.change_usd is not null"),
    });
    try {
      const cardsBefore = new Map([...metabase.cards.values()].map((c) => [c.entity_id, c.id]));
      const result = await provision(metabase, { args: ['--definition', copy.file], env: { TURNOVER_BI_WAREHOUSE_URL: WAREHOUSE.replace('warehouse.internal', 'warehouse-2.internal') } });
      assert.equal(result.code, 0, result.stderr);
      const changed = loadDefinition(copy.file);
      const renamed = changed.charts.find((c) => c.key === 'turnover_last_day')!;
      const onDrivers = changed.charts.filter((c) => c.dataset === 'drivers_daily');
      assert.deepEqual(writes(metabase.takeSequence()).sort(), ['PUT /api/database/:id', ...Array.from({ length: 1 + onDrivers.length }, () => 'PUT /api/card/:id')].sort());
      assert.equal(metabase.cards.size, CHARTS);
      assert.deepEqual(new Map([...metabase.cards.values()].map((c) => [c.entity_id, c.id])), cardsBefore);
      const card = [...metabase.cards.values()].find((c) => c.entity_id === entityId(renamed.uuid))!;
      assert.equal(card.name, 'Turnover of the last day');
      const database = metabase.databases.values().next().value!;
      assert.equal((database.details as { host: string }).host, 'warehouse-2.internal');
      assert.equal((database.details as { password: string }).password, 'pw');
    } finally {
      copy.remove();
    }
  });

  it('Vertica: the same definition with a vertica:// URL gives Metabase\'s vertica engine', async () => {
    const vertica = new FakeMetabase(USER, PASSWORD);
    await vertica.start();
    try {
      const result = await provision(vertica, { env: { TURNOVER_BI_WAREHOUSE_URL: 'vertica://dbadmin:vpw@vertica.internal:5433/dwh?ConnectionLoadBalance=1' } });
      assert.equal(result.code, 0, result.stderr);
      const database = vertica.databases.values().next().value!;
      assert.equal(database.engine, 'vertica');
      assert.deepEqual(database.details, { host: 'vertica.internal', port: 5433, dbname: 'dwh', user: 'dbadmin', password: 'vpw', 'additional-options': 'ConnectionLoadBalance=1' });
      assert.equal(vertica.cards.size, CHARTS);
    } finally {
      await vertica.stop();
    }
  });

  it('bad credentials: one clear line, exit 3, nothing written', async () => {
    const result = await provision(metabase, { env: { TURNOVER_METABASE_PASSWORD: 'wrong' } });
    assert.equal(result.code, 3);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^turnover: Metabase at http:\/\/127\.0\.0\.1:\d+ rejected the login of "admin@example\.com": password did not match stored password$/);
    assert.deepEqual(metabase.takeSequence(), ['POST /api/session']);
  });

  it('an unreachable URL: retried for --retry-for seconds, then one clear line, exit 5', async () => {
    const closed = new FakeMetabase(USER, PASSWORD);
    await closed.start();
    const url = closed.url;
    await closed.stop();
    const result = await runCli(['bi', 'metabase', 'provision', '--url', url, '--user', USER, '--retry-for', '2'], { env: { TURNOVER_METABASE_PASSWORD: PASSWORD, TURNOVER_BI_WAREHOUSE_URL: WAREHOUSE } });
    assert.equal(result.code, 5);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^turnover: Metabase at http:\/\/127\.0\.0\.1:\d+ is not reachable \(POST \/api\/session: connect ECONNREFUSED [^)]*\) \(gave up after \d+ tries in \d+ s\)$/);
  });

  it('a warehouse Metabase cannot reach: one line naming it, nothing created', async () => {
    const fresh = new FakeMetabase(USER, PASSWORD);
    await fresh.start();
    try {
      const result = await provision(fresh, { env: { TURNOVER_BI_WAREHOUSE_URL: 'postgres://reporter:pw@nowhere.invalid:5432/dwh' } });
      assert.equal(result.code, 3);
      assert.equal(result.stderr, "turnover: Metabase cannot use the warehouse postgres://reporter@nowhere.invalid:5432/dwh: Couldn't connect to the database. Please check the connection details.\n");
      assert.deepEqual(writes(fresh.takeSequence()), ['POST /api/database']);
      assert.equal(fresh.databases.size + fresh.cards.size + fresh.dashboards.size, 0);
    } finally {
      await fresh.stop();
    }
  });

  it('without TURNOVER_BI_WAREHOUSE_URL it provisions with the pipeline\'s own login and warns that it should not', async () => {
    const fresh = new FakeMetabase(USER, PASSWORD);
    await fresh.start();
    try {
      const result = await provision(fresh, { env: { TURNOVER_BI_WAREHOUSE_URL: '', TURNOVER_WAREHOUSE_URL: WAREHOUSE } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /the BI tool gets the pipeline's own warehouse login \(TURNOVER_WAREHOUSE_URL\): give it a read-only one in TURNOVER_BI_WAREHOUSE_URL/);
      assert.equal(fresh.databases.size, 1);
    } finally {
      await fresh.stop();
    }
  });

  it('a missing password is a configuration error that names where to put it', async () => {
    const result = await runCli(['bi', 'metabase', 'provision', '--url', metabase.url, '--user', USER], { env: { TURNOVER_BI_WAREHOUSE_URL: WAREHOUSE, TURNOVER_METABASE_PASSWORD: '' } });
    assert.equal(result.code, 3);
    assert.match(result.stderr.trim(), /^turnover: the Metabase password \(TURNOVER_METABASE_PASSWORD or --password\) is not set$/);
  });
});
