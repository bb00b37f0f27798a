import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { AcknowledgedRecord } from '../support/acknowledged-producer.js';
import { track } from '../support/child-processes.js';
import { CLI, runCli } from '../support/cli.js';

/**
 * `turnover ingest` as a real child process (as an operator or a DAG runs
 * it), with its JSON log lines collected for assertions.
 */
export class IngesterProcess {
  readonly child: ChildProcess;
  readonly logs: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Readonly<Record<string, string>>, args: readonly string[] = []) {
    this.child = track(
      spawn(process.execPath, [CLI, 'ingest', '--progress-interval', '1', ...args], {
        env: { ...process.env, ...env, TURNOVER_LOG_LEVEL: 'info', TURNOVER_LOG_FORMAT: 'json' },
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    let pending = '';
    this.child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stderr += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line (the entry point's one-line error)
        }
      }
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** The partitions of this member's latest assignment (undefined before the first). */
  latestAssignment(): number[] | undefined {
    const lines = this.logs.filter((l) => Array.isArray(l.partitions) && typeof l.msg === 'string' && l.msg.startsWith('assigned partitions'));
    return lines.length ? (lines[lines.length - 1]!.partitions as number[]) : undefined;
  }

  async kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Applies the landing migrations through the real CLI. */
export async function migrateLanding(stagingUrl: string): Promise<void> {
  const result = await runCli(['migrate', '--only', 'landing'], { env: { TURNOVER_LANDING_URL: stagingUrl } });
  if (result.code !== 0) throw new Error(`migrate failed: ${result.stderr}`);
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Rows landed for the topic (any group); 0 while PostgreSQL is away. */
export async function landedCount(url: string, topic: string): Promise<number> {
  try {
    return await withClient(url, async (c) => Number((await c.query('select count(*) as n from raw.kafka_messages where topic = $1', [topic])).rows[0].n));
  } catch {
    return 0;
  }
}

/** Polls `check`; on time-out the error carries the ingesters' last log lines. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 120_000, ...ingesters: IngesterProcess[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(250);
  }
  const tails = ingesters.map((i, n) => `--- ingester ${n} (pid ${i.child.pid}, exit ${i.child.exitCode ?? i.child.signalCode ?? 'running'}):\n${i.stderr.split('\n').slice(-15).join('\n')}`);
  throw new Error([`timed out waiting for ${what}`, ...tails].join('\n'));
}

export interface PartitionSummary {
  readonly partition: number;
  readonly rows: number;
  readonly distinctOffsets: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  /** sha256 over (offset, key, value) of every record in offset order; a null key or value is distinct from an empty one. */
  readonly hash: string;
}

/**
 * What landed in one incarnation of the topic (0 unless it was reset), per
 * partition: counts, offset range and a hash of every record's offset, key
 * and value in offset order. The one place that knows
 * which landing columns carry a record's bytes (key, value and offset, in
 * both engines' schemas): when the landing contract changes, only this
 * query follows it.
 */
export async function landedSummary(url: string, topic: string, incarnation = 0): Promise<PartitionSummary[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `select partition, count(*) as rows, count(distinct "offset") as distinct_offsets, min("offset") as min_offset, max("offset") as max_offset,
              encode(sha256(string_agg(
                int8send("offset")
                || coalesce(int4send(length(key)) || key, '\\xffffffff'::bytea)
                || coalesce(int4send(length(value)) || value, '\\xffffffff'::bytea),
                ''::bytea order by "offset")), 'hex') as hash
       from raw.kafka_messages where topic = $1 and incarnation = $2 group by partition order by partition`,
      [topic, incarnation],
    );
    return rows.map((r) => ({
      partition: Number(r.partition),
      rows: Number(r.rows),
      distinctOffsets: Number(r.distinct_offsets),
      minOffset: Number(r.min_offset),
      maxOffset: Number(r.max_offset),
      hash: String(r.hash),
    }));
  });
}

/** The summary the produced values must land as: offsets 0..n-1 of a fresh topic, no keys (produceFeed's), same bytes. */
export function expectedSummary(produced: ReadonlyMap<number, Buffer[]>): PartitionSummary[] {
  return acknowledgedSummary(new Map([...produced].map(([partition, values]) => [partition, values.map((value, offset) => ({ offset, key: null, value }))])));
}

/** The summary an AcknowledgedProducer's records must land as: each once, at its offset, with its key and value. */
export function acknowledgedSummary(acknowledged: ReadonlyMap<number, readonly AcknowledgedRecord[]>): PartitionSummary[] {
  return [...acknowledged]
    .filter(([, records]) => records.length > 0)
    .sort(([a], [b]) => a - b)
    .map(([partition, unsorted]) => {
      const records = [...unsorted].sort((a, b) => a.offset - b.offset);
      return {
        partition,
        rows: records.length,
        distinctOffsets: new Set(records.map((r) => r.offset)).size,
        minOffset: records[0]!.offset,
        maxOffset: records[records.length - 1]!.offset,
        hash: recordsHash(records),
      };
    });
}

/** landedSummary's hash computed here, independently of PostgreSQL. */
function recordsHash(recordsInOffsetOrder: readonly AcknowledgedRecord[]): string {
  const hash = createHash('sha256');
  const lengthPrefixed = (bytes: Buffer | null): Buffer => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes === null ? -1 : bytes.length);
    return bytes === null ? length : Buffer.concat([length, bytes]);
  };
  for (const r of recordsInOffsetOrder) {
    const offset = Buffer.alloc(8);
    offset.writeBigInt64BE(BigInt(r.offset));
    hash.update(offset).update(lengthPrefixed(r.key)).update(lengthPrefixed(r.value));
  }
  return hash.digest('hex');
}

/** The group's next offsets in one incarnation of the topic (0 unless it was reset). */
export async function groupOffsets(url: string, group: string, topic: string, incarnation = 0): Promise<Map<number, number>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query('select partition, next_offset from raw.consumer_offsets where group_id = $1 and topic = $2 and incarnation = $3', [group, topic, incarnation]);
    return new Map(rows.map((r) => [Number(r.partition), Number(r.next_offset)]));
  });
}

export function total(produced: ReadonlyMap<number, Buffer[]>): number {
  let n = 0;
  for (const values of produced.values()) n += values.length;
  return n;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One value of the ingester's Prometheus endpoint (the first series of `name` whose labels contain `labels`; 0 when absent). */
export async function metric(port: number, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
