import { fuzzPipeline } from './pipeline-fuzz.js';

/**
 * The pipeline fuzz (pipeline-fuzz.ts) with the Spark engine: `turnover
 * ingest --engine spark` on local[2]. One run, with twice the Node engine's
 * records per wave: a run costs mostly the Spark application's start and
 * its micro-batches, about 90 s here, whatever the number of records.
 */
fuzzPipeline({ engine: 'spark', defaultSeed: 16_005, numRuns: 1, sizes: { first: 120, second: 40 } });
