import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * The local stack's generated secrets (PostgreSQL's passwords, Superset's key
 * and admin) live only in the state dir, one 0600 file each, readable by the
 * user who runs turnover and nobody else.
 */

export function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync keeps the mode of an existing file
}

/** 24 URL-safe characters: no escaping in a URL, a shell word or a SQL literal. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** The secret kept in `path`, or undefined when there is none yet. */
export function readSecret(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const secret = readFileSync(path, 'utf8').trim();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(secret)) throw new ConfigError(`unreadable secret ${path}: delete it and run \`turnover stack up\` again`);
  return secret;
}

/** The secret kept in `path`, generated and kept first when missing. */
export function ensureSecret(path: string): string {
  const kept = readSecret(path);
  if (kept !== undefined) return kept;
  const secret = randomPassword();
  writePrivate(path, `${secret}\n`);
  return secret;
}
