import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';
import { withClient } from './ingest-harness.js';

/** What a test landed: per incarnation of the topic, per partition, the values at offsets 0..n-1. */
export type LandedIncarnations = ReadonlyMap<number, ReadonlyMap<number, readonly Buffer[]>>;

/**
 * Runs `turnover load-stg --until-caught-up` and proves it loaded every
 * incarnation of the topic: its summary accounts for every landed record,
 * stg.load_state holds a watermark per (incarnation, partition) at the end of
 * what landed, and every landed transaction message — each with its own
 * operation id — is in stg.transactions under its exact coordinates
 * (incarnation, partition, offset), or in stg.rejects under them. The
 * expectation comes from the values themselves (JSON.parse), not from the
 * loader's parser.
 */
export async function assertStgLoadedIncarnations(
  s: { readonly topic: string; readonly stagingUrl: string; readonly warehouseUrl: string; readonly env: Readonly<Record<string, string>> },
  landed: LandedIncarnations,
): Promise<void> {
  const result = await runCli(['load-stg', '--until-caught-up'], { env: s.env });
  assert.equal(result.code, 0, result.stderr);
  let total = 0;
  const coordinates = new Map<string, { operationId: string; status: string }>();
  const watermarks: [number, number, number][] = [];
  for (const [incarnation, partitions] of landed) {
    for (const [partition, values] of partitions) {
      total += values.length;
      watermarks.push([incarnation, partition, values.length]);
      values.forEach((value, offset) => {
        const message = JSON.parse(value.toString('utf8')) as { payload: { operation_id: string; status: string } };
        coordinates.set(`${incarnation}/${partition}/${offset}`, { operationId: message.payload.operation_id, status: message.payload.status });
      });
    }
  }
  const summary = /^load-stg: (\d+) landed records in \d+ chunks .*: inserted (\d+), updated (\d+), duplicates (\d+), rejected (\d+), conflicts (\d+)/m.exec(result.stdout);
  assert.ok(summary, result.stdout);
  const [read, inserted, updated, duplicates, rejected, conflicts] = summary.slice(1).map(Number) as [number, number, number, number, number, number];
  assert.equal(read, total, 'load-stg read every landed record of every incarnation');
  assert.equal(inserted + updated + duplicates + rejected, read, 'and accounted for each');
  assert.deepEqual([duplicates, conflicts], [0, 0], 'every message has its own operation id: nothing collapses');

  await withClient(s.warehouseUrl, async (c) => {
    const state = await c.query('select incarnation, partition, next_offset from stg.load_state where topic = $1 order by incarnation, partition', [s.topic]);
    assert.deepEqual(
      state.rows.map((r) => [Number(r.incarnation), Number(r.partition), Number(r.next_offset)]),
      watermarks.sort((a, b) => a[0] - b[0] || a[1] - b[1]),
      'a watermark per (incarnation, partition), at the end of what landed',
    );
    const loaded = await c.query(
      `select src_incarnation, src_partition, src_offset, operation_id::text as operation_id, status from stg.transactions where src_topic = $1
       union all
       select src_incarnation, src_partition, src_offset, null, null from stg.rejects where src_topic = $1`,
      [s.topic],
    );
    const found = new Map<string, { operationId: string | null; status: string | null }>();
    for (const r of loaded.rows) {
      const at = `${r.src_incarnation}/${r.src_partition}/${r.src_offset}`;
      assert.ok(!found.has(at), `${at} is in STG once`);
      found.set(at, { operationId: r.operation_id, status: r.status });
    }
    assert.deepEqual([...found.keys()].sort(), [...coordinates.keys()].sort(), 'every landed record, under its coordinates, in stg.transactions or stg.rejects');
    for (const [at, row] of found) if (row.operationId !== null) assert.deepEqual(row, coordinates.get(at), `the transaction at ${at}`);
    assert.equal(found.size - [...found.values()].filter((r) => r.operationId === null).length, inserted, 'inserted = rows of stg.transactions');
  });
}
