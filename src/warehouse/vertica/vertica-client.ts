import type { Readable } from 'node:stream';

/**
 * The slice of the official `vertica-nodejs` client this dialect uses
 * (Kysely's "declare the slice" pattern). Tests hand in a recording client of
 * the same shape, which is how every statement the dialect sends is checked
 * without a Vertica server.
 */
export interface VerticaQueryConfig {
  readonly text: string;
  readonly values?: readonly unknown[];
  /** `COPY … FROM LOCAL STDIN`: the rows, streamed by the driver. */
  readonly copyStream?: Readable;
}

export interface VerticaResult {
  readonly rows: Record<string, unknown>[];
  /** Vertica does not report affected rows in CommandComplete; DML answers with one `OUTPUT` row instead. */
  readonly rowCount?: number | null;
  /** With `RETURNREJECTED`: the numbers of the rows COPY refused. */
  getRejectedRows?(): readonly number[];
}

export interface VerticaClient {
  connect(): Promise<void>;
  query(config: VerticaQueryConfig): Promise<VerticaResult>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export type VerticaClientFactory = () => VerticaClient;

/** Opens real connections with vertica-nodejs, loaded only when a vertica:// URL is used. */
export async function verticaNodejsFactory(url: string): Promise<VerticaClientFactory> {
  const { default: vertica } = (await import('vertica-nodejs')) as { default: { Client: new (config: { connectionString: string }) => VerticaClient } };
  return () => new vertica.Client({ connectionString: url });
}

/** Rows a statement changed: Vertica's `OUTPUT` row for DML, `Rows Loaded` for COPY. */
export function affectedRows(result: VerticaResult): number {
  if (typeof result.rowCount === 'number') return result.rowCount;
  const first = result.rows[0];
  if (result.rows.length !== 1 || first === undefined) return 0;
  const value = first.OUTPUT ?? first['Rows Loaded'] ?? first.count;
  return value === undefined || value === null ? 0 : Number(value);
}
