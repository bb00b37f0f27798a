import { parentPort, workerData } from 'node:worker_threads';
import type { CopyEncoding } from '../warehouse/index.js';
import { encodedKeys, encodedPlan, parseEncoded, type EncodedVersion } from './encoded-chunk.js';
import type { ParseReply, WorkerReply, WorkerRequest } from './parser-pool.js';
import { planTransfers } from './parser-pool.js';

/**
 * Entry of a parse worker (see parser-pool.ts). Holds the transaction
 * versions of the chunks it parsed until the main thread releases them.
 */

const port = parentPort!;
const encoding = (workerData as { encoding: CopyEncoding }).encoding;
if (encoding !== 'postgres-binary') throw new Error(`parse workers encode postgres-binary only, not ${String(encoding)}`);
const held = new Map<number, readonly EncodedVersion[]>();

function versionsOf(chunkId: number): readonly EncodedVersion[] {
  const versions = held.get(chunkId);
  if (!versions) throw new Error(`chunk ${chunkId} is not held by this worker`);
  return versions;
}

function handle(request: WorkerRequest): { result: unknown; transfer: ArrayBuffer[] } | undefined {
  switch (request.op) {
    case 'parse': {
      const view = request.chunk.data as Uint8Array;
      const data = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
      const parsed = parseEncoded({ ...request.chunk, data }, { loseOneRecord: request.loseOneRecord });
      held.set(request.chunkId, parsed.versions);
      const fresh = encodedPlan(parsed.versions);
      const result: ParseReply = {
        firstOffset: parsed.firstOffset,
        lastOffset: parsed.lastOffset,
        read: parsed.read,
        currencies: parsed.currencies,
        rejects: parsed.rejects,
        transactionVersions: parsed.versions.length,
        fresh,
      };
      return { result, transfer: planTransfers(fresh) };
    }
    case 'keys': {
      const keys = encodedKeys(versionsOf(request.chunkId));
      return { result: keys, transfer: planTransfers(keys) };
    }
    case 'plan': {
      const plan = encodedPlan(versionsOf(request.chunkId), request.stored);
      return { result: plan, transfer: planTransfers(plan) };
    }
    case 'release':
      held.delete(request.chunkId);
      return undefined;
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
