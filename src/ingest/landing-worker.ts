import { parentPort, workerData } from 'node:worker_threads';
import { TurnoverError } from '../errors.js';
import { LandingStore } from '../landing/index.js';
import { isRetriable } from '../retry/index.js';
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

// One request at a time: they share one connection, and a request must never
// run inside another's transaction (opening an incarnation while a batch lands).
let previous: Promise<void> = Promise.resolve();
port.on('message', (request: LandingRequest) => {
  previous = previous.then(async () => {
    let response: LandingResponse;
    try {
      response = { id: request.id, result: await run(request) };
    } catch (error) {
      const code = error instanceof TurnoverError ? error.code : 'INTERNAL';
      response = { id: request.id, error: { code, message: (error as Error).message ?? String(error), retriable: isRetriable(error) } };
    }
    port.postMessage(response);
  });
});

function run(request: LandingRequest): Promise<unknown> {
  switch (request.op) {
    case 'connect':
      return store.connect();
    case 'readOffsets':
      return store.readOffsets(request.partitions, request.incarnation);
    case 'incarnation':
      return store.incarnation(request.topicId);
    case 'recordTopicId':
      return store.recordTopicId(request.incarnation, request.topicId);
    case 'openIncarnation':
      return store.openIncarnation(request.open);
    case 'land':
      return store.land({
        incarnation: request.incarnation,
        advances: request.advances,
        chunks: request.chunks.map((c) => ({ bytes: asBuffer(c.bytes), rowStarts: c.rowStarts })),
        rejects: request.rejects,
      });
    case 'close':
      return store.close();
  }
}
