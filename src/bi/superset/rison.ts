/**
 * Rison, the URL-friendly JSON that Superset's list endpoints take in `?q=`:
 * only what our queries use (objects, arrays, strings, numbers, booleans).
 */
export type RisonValue = string | number | boolean | null | readonly RisonValue[] | { readonly [key: string]: RisonValue };

const BARE = /^[A-Za-z_][A-Za-z0-9_.\-/~]*$/;

export function rison(value: RisonValue): string {
  if (value === null) return '!n';
  if (value === true) return '!t';
  if (value === false) return '!f';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return BARE.test(value) ? value : `'${value.replace(/[!']/g, (c) => `!${c}`)}'`;
  if (Array.isArray(value)) return `!(${value.map(rison).join(',')})`;
  const entries = Object.entries(value as Record<string, RisonValue>);
  return `(${entries.map(([k, v]) => `${rison(k)}:${rison(v)}`).join(',')})`;
}
