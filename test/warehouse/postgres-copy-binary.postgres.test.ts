import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresSession } from '../../src/warehouse/postgres/postgres-session.js';
import type { CopyColumn } from '../../src/warehouse/warehouse.js';
import { useStack, type TestStack } from '../support/stack.js';

/**
 * The COPY BINARY encoder (src/db/copy-binary/) against a
 * real PostgreSQL: every column type the loaders declare, edge values
 * included, goes in through COPY BINARY and comes back as the server's own
 * text, which must be exactly the text form of the value sent.
 */

const COLUMNS: readonly CopyColumn[] = [
  { name: 'u', type: 'uuid' },
  { name: 't', type: 'text' },
  { name: 'i4', type: 'int4' },
  { name: 'i8', type: 'int8' },
  { name: 'ts', type: 'timestamp' },
  { name: 'tz', type: 'timestamptz' },
  { name: 'd', type: 'date' },
  { name: 'n', type: 'numeric' },
  { name: 'b', type: 'bytea' },
];

describe('COPY BINARY encoding, round trip through PostgreSQL', () => {
  let t: TestStack;
  let client: pg.Client;
  before(async () => {
    t = await useStack();
    const { warehouseUrl } = await t.freshDatabases('copy_binary');
    client = new pg.Client({ connectionString: warehouseUrl });
    await client.connect();
    await client.query("set timezone = 'UTC'");
    await client.query('create table roundtrip (k int, u uuid, t text, i4 int4, i8 int8, ts timestamp, tz timestamptz, d date, n numeric, b bytea)');
  });
  after(async () => {
    await client?.end();
    await t?.release();
  });

  it('stores every value exactly as its text form says', async () => {
    // [value sent, the text PostgreSQL must give back]
    const cases: [unknown[], string[]][] = [
      [
        ['2b4f85d6-6cac-4c71-8b2a-df13a7c2c8ad', 'canada', 410, 914810, '2022-10-01 00:08:08.000000', new Date('2022-10-01T00:08:08.123Z'), '2022-10-01', '0.93', Buffer.from('{"a":1}')],
        ['2b4f85d6-6cac-4c71-8b2a-df13a7c2c8ad', 'canada', '410', '914810', '2022-10-01 00:08:08', '2022-10-01 00:08:08.123+00', '2022-10-01', '0.93', '\\x7b2261223a317d'],
      ],
      [
        ['2B4F85D6-6CAC-4C71-8B2A-DF13A7C2C8AD', 'türkiye ☕', -(2 ** 31), -(2 ** 53 - 1), '1899-12-31T23:59:59.5', new Date('1970-01-01T00:00:00Z'), '1899-12-31', '-12345678901234.000001', Buffer.alloc(0)],
        ['2b4f85d6-6cac-4c71-8b2a-df13a7c2c8ad', 'türkiye ☕', '-2147483648', '-9007199254740991', '1899-12-31 23:59:59.5', '1970-01-01 00:00:00+00', '1899-12-31', '-12345678901234.000001', '\\x'],
      ],
      [
        ['00000000-0000-0000-0000-000000000000', '', 2 ** 31 - 1, 2 ** 53 - 1, '9999-12-31 23:59:59.999999', new Date('2286-11-20T17:46:39.999Z'), '9999-12-31', 1e-7, Buffer.from([0, 255])],
        ['00000000-0000-0000-0000-000000000000', '', '2147483647', '9007199254740991', '9999-12-31 23:59:59.999999', '2286-11-20 17:46:39.999+00', '9999-12-31', '0.0000001', '\\x00ff'],
      ],
      [
        ['ffffffff-ffff-ffff-ffff-ffffffffffff', 'x'.repeat(5000), 0, 0, '0001-01-01 00:00:00', new Date('2000-01-01T00:00:00Z'), '0001-01-01', '100000000', Buffer.from('z')],
        ['ffffffff-ffff-ffff-ffff-ffffffffffff', 'x'.repeat(5000), '0', '0', '0001-01-01 00:00:00', '2000-01-01 00:00:00+00', '0001-01-01', '100000000', '\\x7a'],
      ],
      [
        [null, null, null, null, null, null, null, null, null],
        [null, null, null, null, null, null, null, null, null] as unknown as string[],
      ],
    ];
    const session = new PostgresSession(client);
    const result = await session.copyInto('roundtrip', [{ name: 'k', type: 'int4' }, ...COLUMNS], cases.map(([values], k) => [k, ...values]));
    assert.equal(result.loaded, cases.length);
    const { rows } = await client.query<Record<string, string | null>>(
      'select k, u::text, t, i4::text, i8::text, ts::text, tz::text, d::text, n::text, b::text from roundtrip order by k',
    );
    rows.forEach((row, k) => assert.deepEqual(COLUMNS.map((c) => row[c.name]), cases[k]![1], `row ${k}`));
  });

  it('refuses values that are not of their column type instead of sending garbage', async () => {
    const session = new PostgresSession(client);
    for (const [type, value] of [
      ['uuid', 'not-a-uuid'],
      ['timestamp', '2022-13-01 00:00:00'],
      ['timestamp', '2022-10-01 00:00:00Z'],
      ['date', '01.10.2022'],
    ] as const) {
      await assert.rejects(session.copyInto('roundtrip', [{ name: type === 'uuid' ? 'u' : type === 'date' ? 'd' : 'ts', type }], [[value]]), TypeError, `${type} ${value}`);
    }
  });
});
