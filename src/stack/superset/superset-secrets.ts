import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { writePrivate } from '../secret-file.js';

/**
 * The local Superset's secrets live only in its state dir, each file 0600:
 * the SECRET_KEY that signs sessions and encrypts stored connection
 * passwords (generated once: changing it would make those unreadable), and
 * the admin's credentials, which `provision` reads to log in.
 */

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
}

const SECRET_FILE = 'secret_key';
const ADMIN_FILE = 'admin.json';

/** Path of the secret key file, created with a fresh random key when missing. */
export function ensureSecretKey(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, SECRET_FILE);
  if (!existsSync(path)) writePrivate(path, `${randomBytes(48).toString('base64url')}\n`);
  return path;
}

export function readAdmin(dir: string): AdminCredentials | undefined {
  const path = join(dir, ADMIN_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<AdminCredentials>;
    if (typeof parsed.user === 'string' && typeof parsed.password === 'string') return { user: parsed.user, password: parsed.password };
  } catch {
    // reported below
  }
  throw new ConfigError(`unreadable Superset admin credentials ${path}: delete it and run \`turnover bi superset up\` with TURNOVER_SUPERSET_ADMIN_USER/_PASSWORD`);
}

export function writeAdmin(dir: string, admin: AdminCredentials): void {
  mkdirSync(dir, { recursive: true });
  writePrivate(join(dir, ADMIN_FILE), `${JSON.stringify(admin)}\n`);
}

/** The admin the operator asked for in TURNOVER_SUPERSET_ADMIN_USER / _PASSWORD, if any. */
export function adminFromEnv(env: NodeJS.ProcessEnv): { user: string | undefined; password: string | undefined } {
  const user = env.TURNOVER_SUPERSET_ADMIN_USER || undefined;
  const password = env.TURNOVER_SUPERSET_ADMIN_PASSWORD || undefined;
  return { user, password };
}
