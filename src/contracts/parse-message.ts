import { isUtf8 } from 'node:buffer';
import type { ParseResult } from './types.js';
import { parseFeedValue } from './fast-parse.js';
import { eventDateOfText, reject } from './reject.js';
import { readFeedShape } from './feed-shape.js';

function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * Raw Kafka value bytes → record or reject. Never throws, whatever the bytes:
 * the STG loader calls it on every landed record, and a bad message must
 * never stop the pipeline (SPEC §6). Should the parser itself fail, the
 * message is quarantined as `parser_error` with the error text.
 */
export function parseMessage(value: Uint8Array | null | undefined): ParseResult {
  try {
    if (value === null || value === undefined) return reject('null_value', undefined, 'the message has no value (a tombstone)', undefined);
    const bytes = asBuffer(value);
    // isUtf8 (simdutf) then a plain decode: toString alone would silently
    // replace bad sequences with U+FFFD and hide them.
    if (!isUtf8(bytes)) return reject('not_utf8', undefined, `the value (${bytes.length} bytes) is not valid UTF-8`, eventDateOfText(bytes.toString('latin1')));
    const text = bytes.toString('utf8');
    let json: unknown = readFeedShape(text);
    if (json === undefined) try {
      json = JSON.parse(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return reject('not_json', undefined, `not JSON (${why.slice(0, 120)})`, eventDateOfText(text));
    }
    return parseFeedValue(json);
  } catch (error) {
    return reject('parser_error', undefined, `the parser failed: ${error instanceof Error ? error.message : String(error)}`, undefined);
  }
}
