import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { postgresUrl, redact } from '../../src/db/postgres-url.js';
import { ConfigError } from '../../src/errors.js';

/**
 * `redact` never prints a password, whatever it is given: generated URLs
 * whose password sits where a URL, a broken URL or a libpq keyword string
 * puts it. The password always carries a marker no other part can contain,
 * so "the output does not show it" is exact, and its percent-encoded form is
 * checked too.
 */

const SEED = 20261207;
const MARKER = 'Pw9';
/** Parts other than the password: never the marker's letters in that order (no 'P' at all). */
const plain = (min: number, max: number) => fc.stringMatching(new RegExp(`^[a-z0-9_.-]{${min},${max}}$`));
/** The characters that mean something in a URL or a keyword string, where a parser may cut a password apart. */
const SPECIAL = [':', '@', '/', '?', '#', '%', '&', '=', ' ', "'", '\\', '[', ']', '\u0000', '\n', '+'];
/** The marker, then any characters: URL-special ones often, plain ones, and any code point (NUL, emoji, lone surrogates). */
const password = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPECIAL) }, { weight: 2, arbitrary: fc.constantFrom(...'abcXYZ019') }, { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }), { maxLength: 16 })
  .map((rest) => `${MARKER}${rest.join('')}`);
const scheme = fc.constantFrom('postgres://', 'postgresql://', 'vertica://', 'postgres:/', 'postgres:', '');
const port = fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 999_999 }).map((p) => `:${p}`), plain(1, 5).map((p) => `:${p}`));
const query = fc.oneof(fc.constant(''), fc.constant('?sslmode=require'), fc.constant('?application_name=a@b'));

function shows(output: string, secret: string): boolean {
  return output.includes(secret) || output.includes(encodeURIComponent(secret));
}

describe('redact', () => {
  it('never shows the password of a URL or near-URL, encoded or not, parsable or not', () => {
    const urls = fc
      .record({ scheme, user: plain(0, 8), password, host: plain(0, 12), port, db: plain(0, 8), query, encode: fc.boolean() })
      .map((u) => ({ ...u, text: `${u.scheme}${u.user}:${u.encode ? encodeURIComponent(u.password) : u.password}@${u.host}${u.port}/${u.db}${u.query}` }));
    fc.assert(
      fc.property(urls, (u) => {
        const output = redact(u.text);
        assert.ok(!shows(output, u.password), `${JSON.stringify(u.text)} -> ${JSON.stringify(output)}`);
      }),
      { seed: SEED, numRuns: 20_000 },
    );
  });

  it('never shows a password given as a parameter or a libpq keyword', () => {
    const texts = fc
      .record({ scheme, host: plain(1, 12), db: plain(0, 8), key: fc.constantFrom('password', 'PASSWORD', 'sslpassword', 'pass'), separator: fc.constantFrom('=', ' = '), password, after: fc.constantFrom('', '&sslmode=require', ' port=5432') })
      .chain((p) =>
        fc.constantFrom(
          `${p.scheme}${p.host}/${p.db}?user=u&${p.key}${p.separator}${p.password}${p.after}`,
          `host=${p.host} dbname=${p.db} ${p.key}${p.separator}'${p.password}'${p.after}`,
          `host=${p.host} ${p.key}${p.separator}${p.password}${p.after}`,
        ).map((text) => ({ text, password: p.password })),
      );
    fc.assert(
      fc.property(texts, ({ text, password: secret }) => {
        assert.ok(!shows(redact(text), secret), JSON.stringify(text));
      }),
      { seed: SEED, numRuns: 10_000 },
    );
  });

  it('keeps what helps find a typo: scheme, user, host, port, database', () => {
    assert.equal(redact('postgres://alice:s3cret@db.example:5432/turnover'), 'postgres://alice:***@db.example:5432/turnover');
    assert.equal(redact('postgres://alice@db.example/turnover'), 'postgres://alice@db.example/turnover');
    assert.equal(redact('postgres://alice:se/cr:et@db.example:99999/turnover'), 'postgres://alice:***@db.example:99999/turnover');
  });

  it('postgresUrl names a bad URL without its password', () => {
    for (const bad of ['postgres://u:Pw9-sec/ret@host:bad/db', 'postgres://u:Pw9-secret@/db', 'postgres://u:Pw9 secret@host', 'mysql://u:Pw9-secret@host/db']) {
      assert.throws(
        () => postgresUrl(bad, 'TURNOVER_WAREHOUSE_URL'),
        (error: unknown) => error instanceof ConfigError && !error.message.includes('Pw9') && error.message.startsWith('TURNOVER_WAREHOUSE_URL'),
        bad,
      );
    }
  });
});
