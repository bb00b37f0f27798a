import { ConfigError } from '../errors.js';

/**
 * Validates a postgres:// URL at the edge so a typo is one clear line, not a
 * driver stack trace. The password may be in the URL or in PGPASSWORD.
 */
export function postgresUrl(value: unknown, variable: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(`${variable} is not set: expected postgres://user@host:port/database (for the local stack: eval "$(npx turnover stack env)")`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a URL: ${redact(value)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`${variable} must start with postgres://, got ${url.protocol}//`);
  }
  if (!url.hostname) throw new ConfigError(`${variable} has no host: ${redact(value)}`);
  if (url.pathname.length <= 1) throw new ConfigError(`${variable} names no database: ${redact(value)}`);
  return value;
}

/** The URL with its password replaced, for logs and error messages. */
export function redact(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/:[^:@/]*@/, ':***@');
  }
}
