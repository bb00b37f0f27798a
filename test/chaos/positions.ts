import pg from 'pg';

/**
 * Where the pipeline stands, read while servers are being killed: per
 * partition, the landing's next offset (raw.consumer_offsets of the group)
 * and STG's (stg.load_state). Each read is one short connection that must
 * not take the harness down with the server: PostgreSQL killed between two
 * statements ends the session with an error the driver emits on the client
 * (not on a query), and an unheard 'error' event ends the process. Here the
 * error is heard, and the read fails (the caller polls again).
 */
async function readPositions(url: string, sql: string, params: unknown[] = []): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // the pending or next query fails with it
  try {
    await client.connect();
    const { rows } = await client.query<{ partition: number; next: string }>(sql, params);
    return new Map(rows.map((r) => [r.partition, Number(r.next)]));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The group's next offset per partition (max over rows: the landing may key them further, by an incarnation of the topic). */
export function landedOffsets(landingUrl: string, group: string): Promise<Map<number, number>> {
  return readPositions(landingUrl, 'select partition, max(next_offset)::text as next from raw.consumer_offsets where group_id = $1 group by partition', [group]);
}

/** STG's next offset per partition. */
export function loadedOffsets(warehouseUrl: string): Promise<Map<number, number>> {
  return readPositions(warehouseUrl, 'select partition, max(next_offset)::text as next from stg.load_state group by partition');
}
