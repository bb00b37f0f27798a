/**
 * PostgreSQL's COPY BINARY wire format, dialect-free: the landing (always
 * PostgreSQL) and the PostgreSQL warehouse dialect both write and read it.
 */
export { ALLOCATED_BUFFERS, type BufferSource } from './buffer-source.js';
export { CopyOut } from './copy-out.js';
export { copyBinary, fieldEncoders, writeRow, type CopyFieldType, type FieldEncoder } from './field-encoders.js';
export { COPY_HEADER, COPY_SIGNATURE, COPY_TRAILER, copyTuplesStart } from './format.js';
export { CopyBinaryWriter, pgDays, pgTimestamp } from './writer.js';
