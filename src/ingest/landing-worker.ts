import { parentPort, workerData } from 'node:worker_threads';
import { TurnoverError } from '../errors.js';
import { isRetriable } from '../retry/index.js';
import { LandingStore } from './landing-store.js';
import type { LandingRequest, LandingResponse, LandingWorkerData } from './landing-thread.js';

/**
 * The landing connection's thread (see landing-thread.ts): runs LandingStore
 * calls sent by the main thread, one at a time, and answers with the result
 * or the error's stable code.
 */
const { url, group, topic, idleInTransactionTimeoutMs } = workerData as LandingWorkerData;
const store = new LandingStore(url, group, topic, { idleInTransactionTimeoutMs });
const port = parentPort!;
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

port.on('message', (request: LandingRequest) => {
  void (async () => {
    let response: LandingResponse;
    try {
      const result =
        request.op === 'connect'
          ? await store.connect()
          : request.op === 'readOffsets'
            ? await store.readOffsets(request.partitions)
            : request.op === 'land'
              ? await store.land({
                  advances: request.advances,
                  chunks: request.chunks.map((c) => ({ bytes: asBuffer(c.bytes), rowStarts: c.rowStarts })),
                  rejects: request.rejects,
                })
              : await store.close();
      response = { id: request.id, result };
    } catch (error) {
      const code = error instanceof TurnoverError ? error.code : 'INTERNAL';
      response = { id: request.id, error: { code, message: (error as Error).message ?? String(error), retriable: isRetriable(error) } };
    }
    port.postMessage(response);
  })();
});
