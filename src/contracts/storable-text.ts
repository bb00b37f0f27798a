/**
 * Text from outside (a message's own characters, quoted in a reject's detail
 * or kept in a text column) made safe for every warehouse text column.
 * PostgreSQL refuses NUL in text (SQLSTATE 22021) and fails the whole COPY of
 * a chunk; a lone UTF-16 surrogate (a JSON `\ud800` escape without its pair)
 * has no UTF-8 form at all, so an encoder would silently write U+FFFD in its
 * place; Vertica's varchar columns count bytes. The exact bytes of a record
 * stay in `stg.rejects.value`: a detail only has to be readable and storable.
 */

/** Longest reject detail kept, in UTF-16 units: at most 3,000 bytes of UTF-8, inside Vertica's varchar(4000). */
export const MAX_DETAIL_LENGTH = 1000;

/** C0 controls (NUL included), DEL, C1 controls, and surrogates that are not half of a pair. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const escaped = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The text with every control character and lone surrogate written as a
 * `\uXXXX` escape, cut to `maxLength` UTF-16 units (never between the two
 * halves of a pair) with `…` marking the cut. Text that needs neither comes
 * back as it is.
 */
export function storableText(text: string, maxLength = MAX_DETAIL_LENGTH): string {
  UNPRINTABLE.lastIndex = 0;
  const clean = UNPRINTABLE.test(text) ? text.replace(UNPRINTABLE, escaped) : text;
  if (clean.length <= maxLength) return clean;
  let cut = maxLength - 1;
  const last = clean.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${clean.slice(0, cut)}…`;
}

/** True when the text holds a surrogate without its other half: not Unicode text, no UTF-8 form. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
