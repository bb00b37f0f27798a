import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PrivatePostgres } from '../support/private-postgres.js';

/** The lines of pg_hba.conf that are not comments. */
function hbaRules(dataDir: string): string[] {
  return readFileSync(join(dataDir, 'pg_hba.conf'), 'utf8').split('\n').filter((line) => /^\s*[^#\s]/.test(line));
}

async function connects(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The local PostgreSQL asks every login for a SCRAM password (issue 20):
 * another OS user on the machine cannot become its superuser. A cluster an
 * older turnover made with trust authentication is locked on its next start.
 */
describe('the local PostgreSQL: no login without the generated password', () => {
  let server: PrivatePostgres;
  before(async () => {
    server = await PrivatePostgres.start();
  });
  after(async () => {
    await server?.remove();
  });

  it('a new cluster: SCRAM on every rule, the password in a 0600 file, refused without it', async () => {
    const rules = hbaRules(server.dataDir);
    assert.ok(rules.length > 0);
    for (const rule of rules) assert.match(rule, /\sscram-sha-256\s*$/, `not a SCRAM rule: ${rule}`);
    assert.equal(statSync(server.passwordFile).mode & 0o777, 0o600);
    const url = new URL(server.url('postgres'));
    assert.equal(url.password, readFileSync(server.passwordFile, 'utf8').trim());
    assert.equal(await connects(url.href), true);
    url.password = '';
    assert.equal(await connects(url.href), false, 'a login without the password got in');
  });

  it('a trust cluster made by an older turnover is locked on its next start, with a fresh password', async () => {
    await server.stop();
    const hba = join(server.dataDir, 'pg_hba.conf');
    writeFileSync(hba, readFileSync(hba, 'utf8').replace(/scram-sha-256(\s*)$/gm, 'trust$1'));
    rmSync(server.passwordFile);
    await server.restart();

    for (const rule of hbaRules(server.dataDir)) assert.doesNotMatch(rule, /\strust\s*$/, `still trusting: ${rule}`);
    const url = new URL(server.url('postgres'));
    assert.equal(url.password, readFileSync(server.passwordFile, 'utf8').trim());
    assert.equal(await connects(url.href), true);
    url.password = '';
    assert.equal(await connects(url.href), false, 'the old cluster still lets a login in without a password');
  });

  it('a SCRAM cluster whose password file is gone does not start, and says which file', async () => {
    await server.stop();
    const kept = readFileSync(server.passwordFile, 'utf8');
    rmSync(server.passwordFile);
    try {
      await assert.rejects(server.restart(), (error: Error) => error.message.includes(`${server.passwordFile} is missing`));
    } finally {
      writeFileSync(server.passwordFile, kept, { mode: 0o600 });
    }
    await server.restart();
    assert.equal(await connects(server.url('postgres')), true);
  });
});
