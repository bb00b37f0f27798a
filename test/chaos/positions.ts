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
async function readRows<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // the pending or next query fails with it
  try {
    await client.connect();
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function readPositions(url: string, sql: string, params: unknown[] = []): Promise<Map<number, number>> {
  const rows = await readRows<{ partition: number; next: string }>(url, sql, params);
  return new Map(rows.map((r) => [r.partition, Number(r.next)]));
}

/** The group's next offset per partition (max over rows: the landing may key them further, by an incarnation of the topic). */
export function landedOffsets(landingUrl: string, group: string): Promise<Map<number, number>> {
  return readPositions(landingUrl, 'select partition, max(next_offset)::text as next from raw.consumer_offsets where group_id = $1 group by partition', [group]);
}

/** STG's next offset per partition. */
export function loadedOffsets(warehouseUrl: string): Promise<Map<number, number>> {
  return readPositions(warehouseUrl, 'select partition, max(next_offset)::text as next from stg.load_state group by partition');
}

/**
 * True when a landing session sits inside a COPY waiting for its client's
 * data while another landing session waits on a lock: a writer stopped in the
 * middle of its COPY. PostgreSQL applies neither idle_in_transaction_session_timeout
 * nor statement_timeout to a COPY waiting for data, so its locks stay taken
 * until the writer wakes (docs/ingest.md).
 */
export async function copyWaitingOnFrozenWriter(landingUrl: string): Promise<boolean> {
  const rows = await readRows<{ copying: number; waiting: number }>(
    landingUrl,
    `select count(*) filter (where state = 'active' and wait_event = 'ClientRead' and query like 'copy raw.kafka_messages%')::int as copying,
            count(*) filter (where wait_event_type = 'Lock')::int as waiting
     from pg_stat_activity where datname = current_database() and application_name = 'turnover-ingest'`,
  );
  return rows[0]!.copying > 0 && rows[0]!.waiting > 0;
}
