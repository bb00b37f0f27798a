import { parentPort, workerData } from 'node:worker_threads';
import { announcePause, waitForReleaseSync } from '../test-hooks/pause-point.js';
import type { CopyEncoding } from '../warehouse/index.js';
import { encodedKeys, encodedPlan, parseEncoded, type EncodedChunk } from './encoded-chunk.js';
import type { ParseReply, WorkerReply, WorkerRequest } from './parser-pool.js';
import { planTransfers, transferable } from './parser-pool.js';
import { BufferPool } from './buffer-pool.js';

/**
 * Entry of a parse worker (see parser-pool.ts). Holds the transaction
 * versions of the chunks it parsed until the main thread releases them.
 */

const port = parentPort!;
const encoding = (workerData as { encoding: CopyEncoding }).encoding;
if (encoding !== 'postgres-binary') throw new Error(`parse workers encode postgres-binary only, not ${String(encoding)}`);
const held = new Map<number, EncodedChunk>();
/** Arenas and output buffers of released chunks, and what the main thread hands back, for the next chunks. */
const buffers = new BufferPool(2);

function chunkOf(chunkId: number): EncodedChunk {
  const chunk = held.get(chunkId);
  if (!chunk) throw new Error(`chunk ${chunkId} is not held by this worker`);
  return chunk;
}

function handle(request: WorkerRequest): { result: unknown; transfer: ArrayBuffer[] } | undefined {
  switch (request.op) {
    case 'parse': {
      if (request.pauseAt) {
        const { topic, partition, firstOffset, lastOffset } = request.chunk;
        announcePause(request.pauseAt, { topic, partition, firstOffset, lastOffset, thread: 'parse-worker' });
        waitForReleaseSync(request.pauseAt);
      }
      const view = request.chunk.data as Uint8Array;
      const data = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
      const parsed = parseEncoded({ ...request.chunk, data }, { loseOneRecord: request.loseOneRecord }, buffers);
      held.set(request.chunkId, parsed);
      const fresh = encodedPlan(parsed, { rows: [] }, buffers);
      const result: ParseReply = {
        firstOffset: parsed.firstOffset,
        lastOffset: parsed.lastOffset,
        read: parsed.read,
        currencies: parsed.currencies,
        rejects: parsed.rejects,
        transactionVersions: parsed.versions.length,
        fresh,
        landed: view,
      };
      // the landed bytes are read: their buffer goes back to the main thread for the next landing read
      return { result, transfer: [...planTransfers(fresh), ...transferable(view)] };
    }
    case 'keys': {
      const keys = encodedKeys(chunkOf(request.chunkId), buffers);
      return { result: keys, transfer: planTransfers(keys) };
    }
    case 'plan': {
      const plan = encodedPlan(chunkOf(request.chunkId), request.stored, buffers);
      return { result: plan, transfer: planTransfers(plan) };
    }
    case 'release': {
      const chunk = held.get(request.chunkId);
      held.delete(request.chunkId);
      if (chunk) buffers.give(chunk.table.arena.buffer);
      for (const returned of request.buffers) buffers.give(returned);
      return undefined;
    }
  }
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const handled = handle(request);
    if (!handled) return;
    reply = { id: request.id, result: handled.result };
    transfer = handled.transfer;
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply, transfer);
});
