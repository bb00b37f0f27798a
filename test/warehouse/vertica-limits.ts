/**
 * Vertica's documented size limits, checked on statement text: a statement
 * over a limit fails on a real server only, and no Vertica runs here.
 * https://docs.vertica.com/latest/en/sql-reference/data-types/ (character,
 * binary and numeric types), .../language-elements/identifiers/ (128 bytes).
 */
export const VERTICA_LIMITS = {
  /** VARCHAR, CHAR, VARBINARY, BINARY: bytes. */
  shortType: 65_000,
  /** LONG VARCHAR, LONG VARBINARY: bytes. */
  longType: 32_000_000,
  /** NUMERIC, DECIMAL, NUMBER: digits of precision. */
  numericPrecision: 1024,
  /** Any identifier: bytes of UTF-8. */
  identifierBytes: 128,
} as const;

/**
 * The statement with string literals and comments blanked out, so that what
 * is left is types, identifiers and keywords (a literal may say anything).
 * Handles '…' with '' inside, E'…' with backslash escapes (and ''), -- and /* comments.
 */
export function codeOnly(sql: string): string {
  return sql.replace(/[eE]'(?:\\.|''|[^'\\])*'|'(?:''|[^'])*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length));
}

const SIZED_TYPE = /\b(long\s+)?(varchar|char|varbinary|binary)\s*\(\s*(\d+)\s*\)/gi;
const NUMERIC_TYPE = /\b(numeric|decimal|number)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/gi;
const QUOTED_IDENTIFIER = /"((?:""|[^"])*)"/g;
const BARE_WORD = /[\p{L}_][\p{L}\p{N}_$]*/gu;

/** Every limit `sql` exceeds, one line each (empty: within all of them). */
export function verticaLimitViolations(sql: string): string[] {
  const code = codeOnly(sql);
  const found: string[] = [];
  for (const [text, long, type, size] of code.matchAll(SIZED_TYPE)) {
    const limit = long ? VERTICA_LIMITS.longType : VERTICA_LIMITS.shortType;
    const bytes = Number(size);
    if (bytes < 1 || bytes > limit) found.push(`${text.replace(/\s+/g, ' ')}: ${long ? 'long ' : ''}${(type ?? '').toLowerCase()} takes 1 to ${limit.toLocaleString('en-US')} bytes`);
  }
  for (const [text, , precision, scale] of code.matchAll(NUMERIC_TYPE)) {
    const p = Number(precision);
    if (p < 1 || p > VERTICA_LIMITS.numericPrecision) found.push(`${text}: precision 1 to ${VERTICA_LIMITS.numericPrecision}`);
    if (scale !== undefined && Number(scale) > p) found.push(`${text}: scale above precision`);
  }
  const quoted = [...code.matchAll(QUOTED_IDENTIFIER)].map((m) => (m[1] ?? '').replace(/""/g, '"'));
  const bare = code.replace(QUOTED_IDENTIFIER, ' ').match(BARE_WORD) ?? [];
  for (const identifier of [...quoted, ...bare]) {
    const bytes = Buffer.byteLength(identifier, 'utf8');
    if (bytes > VERTICA_LIMITS.identifierBytes) found.push(`identifier ${identifier.slice(0, 40)}…: ${bytes} bytes, at most ${VERTICA_LIMITS.identifierBytes}`);
  }
  return found;
}
