import { ChunkBuilder, type ParsedChunk } from './chunk-builder.js';
import type { LandedChunk } from '../landing/index.js';
// the parse workers' path: landed-copy.js alone, not the landing's index, which loads pg
import { LandedCopyCursor } from '../landing/landed-copy.js';
import { inlineChunk, type ChunkParser, type StagedChunk } from './staged-chunk.js';

/**
 * Parses a landed chunk straight from its COPY bytes: each value is handed
 * to the contract parser as a view of the buffer; the key, the Kafka
 * timestamp and a copy of the bytes are taken only for a reject.
 */
export function parseLanded(chunk: LandedChunk, options: { readonly loseOneRecord: boolean }): ParsedChunk {
  const builder = new ChunkBuilder(chunk);
  const cursor = new LandedCopyCursor(chunk.data);
  while (cursor.next()) {
    const refused = builder.add(cursor.offset, cursor.value());
    if (refused) builder.reject(cursor.offset, refused, cursor.keyCopy(), cursor.valueCopy(), cursor.kafkaTimestampMs());
  }
  const parsed = builder.result();
  return options.loseOneRecord ? loseOneRecord(parsed) : parsed;
}

/** The injected fault of TURNOVER_FAULT_INJECT=reconciliation-mismatch: a record silently lost after parsing. */
export function loseOneRecord(chunk: ParsedChunk): ParsedChunk {
  if (chunk.transactions.length > 0) return { ...chunk, transactions: chunk.transactions.slice(1) };
  if (chunk.currencies.length > 0) return { ...chunk, currencies: chunk.currencies.slice(1) };
  return { ...chunk, rejects: chunk.rejects.slice(1) };
}

/** Parses in this thread: for dialects that take rows only through `copyInto` (Vertica). */
export class InlineParser implements ChunkParser {
  async parse(chunk: LandedChunk, options: { readonly loseOneRecord: boolean }): Promise<StagedChunk> {
    return inlineChunk(parseLanded(chunk, options));
  }

  async close(): Promise<void> {}
}
