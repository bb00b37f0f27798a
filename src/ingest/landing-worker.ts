import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, UnavailableError } from '../errors.js';
import { LandingStore } from './landing-store.js';
import type { LandingRequest, LandingResponse, LandingWorkerData } from './landing-thread.js';

/**
 * The landing connection's thread (see landing-thread.ts): runs LandingStore
 * calls sent by the main thread, one at a time, and answers with the result
 * or the error's kind.
 */
const { url, group, topic } = workerData as LandingWorkerData;
const store = new LandingStore(url, group, topic);
const port = parentPort!;

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
              ? await store.land({ advances: request.advances, chunks: request.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)) })
              : await store.close();
      response = { id: request.id, result };
    } catch (error) {
      const kind = error instanceof ConfigError ? 'config' : error instanceof UnavailableError ? 'unavailable' : 'internal';
      response = { id: request.id, error: { kind, message: (error as Error).message ?? String(error) } };
    }
    port.postMessage(response);
  })();
});
