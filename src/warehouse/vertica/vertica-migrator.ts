import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { migrationFiles } from '../../db/postgres-migrator.js';
import { TurnoverError, UnavailableError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { lockWaitPolicy, retry } from '../../retry/index.js';
import { readSql } from '../sql-files.js';
import type { VerticaClient } from './vertica-client.js';
import { VerticaSession } from './vertica-session.js';

/** A lock older than this is taken to belong to a migrate that died; it is broken. */
const STALE_LOCK_MINUTES = 15;
const LOCK_WAIT_MS = 5 * 60_000;

/**
 * Splits a migration file into statements at semicolons that end a line.
 * Our Vertica migrations never put a semicolon at a line end inside a literal.
 */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;[ \t]*(?:--[^\n]*)?\n/)
    .map((s) => s.replace(/;\s*$/, ''))
    .map((s) => s.split('\n').filter((line) => !/^\s*--/.test(line)).join('\n').trim())
    .filter((s) => s.length > 0);
}

/**
 * Vertica commits DDL at once and has no advisory locks, so migrations work
 * differently from PostgreSQL's: every statement of a migration is written to
 * be idempotent (`if not exists`), a run re-applies a half-applied migration
 * from its start, and concurrent runs serialise on a row of a lock table with
 * an enforced primary key (the insert of the second one fails until the first
 * deletes its row). A migration is recorded only after all its statements ran.
 */
export async function migrateVertica(client: VerticaClient, scopes: readonly { scope: string; dir: string }[], logger: Logger): Promise<string[]> {
  const session = new VerticaSession(client);
  const owner = `${hostname()}:${process.pid}:${createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 8)}`;
  await session.query(readSql('vertica', 'migrator_create_history'));
  await session.query(readSql('vertica', 'migrator_create_lock'));
  await session.query('commit');
  await acquire(session, owner, logger);
  const applied: string[] = [];
  try {
    for (const { scope, dir } of scopes) {
      const { rows } = await session.query<{ version: string; checksum: string }>(readSql('vertica', 'migrator_applied'), [scope]);
      const done = new Map(rows.map((r) => [r.version, r.checksum]));
      for (const file of migrationFiles(dir)) {
        const previous = done.get(file.version);
        if (previous !== undefined) {
          if (previous !== file.checksum) throw new TurnoverError('CONFIG', `migration ${scope}/${file.name} was changed after it was applied; add a new migration instead`);
          continue;
        }
        try {
          for (const statement of splitStatements(file.sql)) await session.query(statement);
          await session.query(readSql('vertica', 'migrator_record'), [scope, file.version, file.name, file.checksum]);
          await session.query('commit');
        } catch (error) {
          await session.query('rollback').catch(() => undefined);
          throw new TurnoverError('INTERNAL', `migration ${scope}/${file.name} failed (its statements are idempotent: fix and re-run): ${(error as Error).message}`, { cause: error });
        }
        logger.info({ scope, migration: file.name }, 'applied migration');
        applied.push(`${scope}/${file.name}`);
      }
    }
  } finally {
    await session.query(readSql('vertica', 'migrator_release_lock'), [owner]).catch(() => undefined);
    await session.query('commit').catch(() => undefined);
  }
  return applied;
}

/** Takes the migration lock, waiting (lockWaitPolicy) while another migrate holds it; a lock left by a dead migrate is broken first. */
async function acquire(session: VerticaSession, owner: string, logger: Logger): Promise<void> {
  await retry(
    lockWaitPolicy(LOCK_WAIT_MS),
    async (attempt) => {
      await session.query(readSql('vertica', 'migrator_break_stale_lock'), [STALE_LOCK_MINUTES]);
      try {
        await session.query(readSql('vertica', 'migrator_acquire_lock'), [owner]);
        await session.query('commit');
      } catch (error) {
        await session.query('rollback').catch(() => undefined);
        if (!/violat|duplicate|unique|primary key/i.test((error as Error).message)) throw error;
        if (attempt === 1) logger.info('waiting for another turnover migrate to finish');
        throw new MigrationLockHeld(error);
      }
    },
    // only a held lock is waited for: any other error of the lock statements stops the migrate as before
    { retriable: (error) => error instanceof MigrationLockHeld },
  );
}

class MigrationLockHeld extends UnavailableError {
  constructor(cause: unknown) {
    super('another turnover migrate holds the Vertica migration lock (public.turnover_migration_lock)', cause);
  }
}
