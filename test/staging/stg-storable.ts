type Json = Record<string, any>;

/**
 * What STG's columns cannot hold although the contract accepts it, written
 * from the table definitions (sql/*\/migrations/stg), not from the loader:
 * PostgreSQL text refuses NUL; a lone surrogate is not text; Vertica's
 * varchar(64) of country and transaction_type counts bytes; currency codes
 * are int4; rates numeric(20,6). The field the loader must name in its
 * `wrong_type` reject, or undefined when the message fits.
 */
export function unstorableField(m: Json): string | undefined {
  const text = (s: string) => s.includes('\u0000') || Buffer.from(s, 'utf8').toString('utf8') !== s || Buffer.byteLength(s) > 64;
  const int4 = (n: number) => n >= -(2 ** 31) && n < 2 ** 31;
  const p = m.payload;
  if (m.object_type === 'TRANSACTION') {
    if (!int4(p.currency_code)) return 'payload.currency_code';
    if (text(p.country)) return 'payload.country';
    if (text(p.transaction_type)) return 'payload.transaction_type';
    return undefined;
  }
  if (!int4(p.currency_code)) return 'payload.currency_code';
  if (!int4(p.currency_code_with)) return 'payload.currency_code_with';
  // numeric(20,6) holds less than 10^14, and a positive rate that rounds to 0.000000 would read as none
  const micro = Math.round(p.currency_with_div * 1e6);
  if (micro >= 1e20 || micro === 0) return 'payload.currency_with_div';
  return undefined;
}
