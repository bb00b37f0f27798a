/**
 * The frame of PostgreSQL's COPY BINARY stream
 * (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"),
 * written and checked here only: the landing's row encoders, the STG
 * loader's and the PostgreSQL dialect's writer, and the readers of
 * `COPY … TO STDOUT (FORMAT binary)` all meet the same bytes.
 */

/** The 11-byte signature every COPY BINARY stream starts with. */
export const COPY_SIGNATURE: Buffer = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The whole header as we write it: signature, flags (0: no OIDs) and an empty header extension. */
export const COPY_HEADER: Buffer = Buffer.concat([COPY_SIGNATURE, Buffer.alloc(8)]);

/** The end of the tuples: a field count of -1. */
export const COPY_TRAILER: Buffer = Buffer.from([0xff, 0xff]);

/**
 * Where the tuples of a COPY BINARY stream start (after the signature, flags
 * and header extension); undefined when `data` does not start with a whole
 * header. The caller says what a bad stream means for it.
 */
export function copyTuplesStart(data: Uint8Array): number | undefined {
  const n = COPY_SIGNATURE.length;
  if (data.length < n + 10) return undefined;
  for (let i = 0; i < n; i++) if (data[i] !== COPY_SIGNATURE[i]) return undefined;
  const extension = (data[n + 4]! << 24) | (data[n + 5]! << 16) | (data[n + 6]! << 8) | data[n + 7]!;
  return n + 8 + extension;
}
