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

/** `scheme://` at the start, as a URL or a near-URL spells it. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** A password given as a parameter (`?password=…`, `sslpassword=…`, libpq's `password=…`) or a PGPASSWORD-style assignment. */
const PASSWORD_PARAMETER = /(pass(?:word)?|pgpassword)(\s*=\s*)/i;

/**
 * The text with every password masked, for logs and error messages, whatever
 * the input: a URL, a URL that does not parse, a libpq keyword string. It
 * works on the text, not on a parse: a near-URL the parser reads another way
 * (`postgres://user:12/34@host` is host `user`, port `12` to it) must still
 * not print what its writer meant as the password. Everything between
 * `scheme://` (or the start) and the last `@` is user information: the part
 * after its first `:` is masked; then, from a password parameter on, the
 * rest of the text. Masking too much is fine here; showing a password is not.
 */
export function redact(value: string): string {
  return maskParameter(maskUserinfo(value));
}

function maskUserinfo(text: string): string {
  const at = text.lastIndexOf('@');
  const start = SCHEME.exec(text)?.[0].length ?? 0;
  if (at < start) return text;
  const userinfo = text.slice(start, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? text : `${text.slice(0, start)}${userinfo.slice(0, colon)}:***${text.slice(at)}`;
}

function maskParameter(text: string): string {
  const parameter = PASSWORD_PARAMETER.exec(text);
  return parameter ? `${text.slice(0, parameter.index)}${parameter[1]}${parameter[2]}***` : text;
}
