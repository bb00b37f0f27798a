import pg from 'pg';
import type { Logger } from '../log/logger.js';

/**
 * The slice of a `pg` client or pool that the landing's statements use, in
 * Kysely's manner (`PostgresPool`): functions over the landing take this, so
 * a pool, a dedicated client or a test's stand-in all serve.
 */
export interface LandingQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * What the landing's writer needs of its one connection besides statements:
 * to hand it a COPY stream (pg-copy-streams), and to hear of the connection
 * ending in the middle of one.
 */
export interface LandingConnection extends LandingQueryable {
  query<T extends pg.Submittable>(submittable: T): T;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  once(event: 'end' | 'error', listener: (error?: Error) => void): unknown;
  off(event: 'end' | 'error', listener: (error?: Error) => void): unknown;
}

export interface LandingPoolOptions {
  readonly max: number;
  readonly connectionTimeoutMillis?: number;
  /** Server settings of every session, as libpq `options` (`-c name=value …`). */
  readonly options?: string;
  /** Where an idle connection that died is reported; default: ignored (the next query reconnects). */
  readonly logger?: Logger;
}

/** A pool of connections to the landing database (always PostgreSQL), for the stages that read it. */
export function openLandingPool(url: string, options: LandingPoolOptions): pg.Pool {
  const { logger, ...config } = options;
  const pool = new pg.Pool({ connectionString: url, ...config });
  pool.on('error', (error) => logger?.warn({ err: error.message }, 'idle landing connection lost'));
  return pool;
}
