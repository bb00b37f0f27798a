import { runIngester } from '../ingester.js';
import type { IngestEngine } from './engine.js';

/** The default engine: this process is a member of the consumer group (ingester.ts, docs/ingest.md). */
export const NODE_ENGINE = Object.freeze<IngestEngine>({
  name: 'node',
  run: (config, context) => runIngester(config, context),
});
