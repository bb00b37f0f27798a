import { fuzzPipeline } from './pipeline-fuzz.js';

/** The pipeline fuzz (pipeline-fuzz.ts) with the Node engine: `turnover ingest`. */
fuzzPipeline({ engine: 'node', defaultSeed: 16_005, numRuns: 6, sizes: { first: 60, second: 20 } });
