import { copyBinary } from '../db/copy-binary/index.js';
import type { CopyColumn, CopyEncoding } from './warehouse.js';

/**
 * Encodes rows for `WarehouseSession.copyEncoded` in a dialect's bulk format.
 * Pure and free of database clients, so it runs in worker threads: the STG
 * loader encodes there while the main thread streams the previous chunk.
 */
export function encodeCopyRows(encoding: CopyEncoding, columns: readonly CopyColumn[], rows: Iterable<readonly unknown[]>, sizeHint?: number): { data: Buffer; count: number } {
  switch (encoding) {
    case 'postgres-binary':
      return copyBinary(columns.map((c) => c.type), rows, sizeHint);
  }
}
