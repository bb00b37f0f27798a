import { ConfigError } from '../../errors.js';

/**
 * The warehouse a BI tool connects to (postgres://… or vertica://…), with a
 * read-only login: --warehouse-url / TURNOVER_BI_WAREHOUSE_URL, which the
 * local stack exports for its marts-only role. Each tool gets it in its own
 * form: Superset a SQLAlchemy URI, Metabase an engine and details.
 */
export interface WarehouseTarget {
  readonly dialect: 'postgres' | 'vertica';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** '' when the URL has none (a local trust-auth PostgreSQL). */
  readonly password: string;
  /** Query parameters of the URL (sslmode, …), passed on as they are. */
  readonly params: readonly (readonly [string, string])[];
}

const SCHEMES: Readonly<Record<string, { dialect: WarehouseTarget['dialect']; port: number }>> = {
  'postgres:': { dialect: 'postgres', port: 5432 },
  'postgresql:': { dialect: 'postgres', port: 5432 },
  'vertica:': { dialect: 'vertica', port: 5433 },
};

/** Where the BI commands' warehouse URL comes from, in error messages. */
export const BI_WAREHOUSE_SOURCE = '--warehouse-url / TURNOVER_BI_WAREHOUSE_URL';

/**
 * The URL the BI tool should use: the one given (flag or TURNOVER_BI_WAREHOUSE_URL),
 * else the pipeline's own TURNOVER_WAREHOUSE_URL with a warning, since that
 * login can write and read everything, and anyone with the BI tool's SQL
 * editor could then too.
 */
export function biWarehouseUrl(given: string | undefined, pipelineUrl: string | undefined, warn: (message: string) => void): string | undefined {
  if (given) return given;
  if (!pipelineUrl) return given;
  warn('the BI tool gets the pipeline\'s own warehouse login (TURNOVER_WAREHOUSE_URL): give it a read-only one in TURNOVER_BI_WAREHOUSE_URL (the local stack exports one)');
  return pipelineUrl;
}

export function parseWarehouseTarget(value: unknown, source: string): WarehouseTarget {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(`${source} is not set: expected postgres://user@host:port/database or vertica://user:…@host:5433/database (local stack: eval "$(npx turnover stack env)")`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${source} is not a URL`);
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) throw new ConfigError(`${source} has scheme ${url.protocol}// — supported: postgres://, vertica://`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname) throw new ConfigError(`${source} has no host`);
  if (!database) throw new ConfigError(`${source} names no database`);
  return Object.freeze({
    dialect: scheme.dialect,
    host: url.hostname,
    port: url.port ? Number(url.port) : scheme.port,
    database,
    user: decodeURIComponent(url.username) || (scheme.dialect === 'postgres' ? 'postgres' : 'dbadmin'),
    password: decodeURIComponent(url.password),
    params: Object.freeze([...url.searchParams.entries()]),
  });
}

/** Superset writes a stored password back as this mask; a URI compares equal with it in place. */
export const SUPERSET_PASSWORD_MASK = 'XXXXXXXXXX';

/**
 * The SQLAlchemy URI Superset connects with: psycopg2 for PostgreSQL,
 * sqlalchemy-vertica-python for Vertica (Superset's own [vertica] extra).
 */
export function sqlalchemyUri(target: WarehouseTarget, options: { masked?: boolean } = {}): string {
  const driver = target.dialect === 'postgres' ? 'postgresql+psycopg2' : 'vertica+vertica_python';
  const password = target.password === '' ? '' : `:${options.masked ? SUPERSET_PASSWORD_MASK : encodeURIComponent(target.password)}`;
  const query = target.params.length === 0 ? '' : `?${new URLSearchParams(target.params.map(([k, v]): [string, string] => [k, v])).toString()}`;
  return `${driver}://${encodeURIComponent(target.user)}${password}@${target.host}:${target.port}/${encodeURIComponent(target.database)}${query}`;
}

/** Metabase's engine name and connection details (its postgres and vertica drivers). */
export function metabaseConnection(target: WarehouseTarget): { engine: string; details: Record<string, unknown> } {
  const details: Record<string, unknown> = { host: target.host, port: target.port, dbname: target.database, user: target.user };
  if (target.password !== '') details.password = target.password;
  if (target.dialect === 'postgres') {
    const sslmode = target.params.find(([k]) => k === 'sslmode')?.[1];
    details.ssl = sslmode !== undefined && sslmode !== 'disable' && sslmode !== 'allow' && sslmode !== 'prefer';
    return { engine: 'postgres', details };
  }
  const extra = target.params.map(([k, v]) => `${k}=${v}`).join('&');
  if (extra) details['additional-options'] = extra;
  return { engine: 'vertica', details };
}

/** host:port/database, for messages (never the password). */
export function describeTarget(target: WarehouseTarget): string {
  return `${target.dialect}://${target.user}@${target.host}:${target.port}/${target.database}`;
}
