import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { TurnoverError } from '../errors.js';
import type { Logger } from '../log/logger.js';

export interface MigrationFile {
  readonly version: string;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** `NNNN_name.sql` files of one folder, in version order. */
export function migrationFiles(dir: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(join(dir, f), 'utf8');
      return { version: f.slice(0, 4), name: f.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// One lock id for every turnover migration in a database: concurrent `migrate`
// runs queue up behind it instead of racing on CREATE TABLE.
const LOCK_ID = 7_402_211_001;

/**
 * Applies the missing migrations of one scope (a folder) to a PostgreSQL
 * database, each in its own transaction with its bookkeeping row, under a
 * session advisory lock. Safe to run twice or concurrently.
 */
export async function migratePostgres(url: string, scope: string, dir: string, logger: Logger): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`create table if not exists public.turnover_migrations (
      scope text not null,
      version text not null,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now(),
      primary key (scope, version))`);
    const { rows } = await client.query<{ version: string; name: string; checksum: string }>(
      'select version, name, checksum from public.turnover_migrations where scope = $1',
      [scope],
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const file of migrationFiles(dir)) {
      const previous = done.get(file.version);
      if (previous) {
        if (previous.checksum !== file.checksum) {
          throw new TurnoverError('CONFIG', `migration ${scope}/${file.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(file.sql);
        await client.query('insert into public.turnover_migrations (scope, version, name, checksum) values ($1, $2, $3, $4)', [
          scope, file.version, file.name, file.checksum,
        ]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw new TurnoverError('INTERNAL', `migration ${scope}/${file.name} failed: ${(error as Error).message}`, { cause: error });
      }
      logger.info({ scope, migration: file.name }, 'applied migration');
      applied.push(`${scope}/${file.name}`);
    }
  } finally {
    await client.query('select pg_advisory_unlock_all()').catch(() => undefined);
    await client.end();
  }
  return applied;
}
