import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { javaDecodedNames } from '../support/java-decoded-names.js';
import { useStack, type TestStack } from '../support/stack.js';
import { expectedOf } from './expected.js';
import { assertLanded, assertMarts, assertStg } from './invariants.js';
import { PipelineRun } from './pipeline.js';
import { drawn, waves, type Drawn, type Engine, type WaveSizes } from './records.js';

/**
 * Issue 16, item 5: no record can stall the pipeline, proven through the real
 * broker and the real CLI with generated records.
 *
 * Design: one fast-check run is one whole pipeline run over all the records
 * it drew — a fresh topic, landing and warehouse; `turnover ingest` running
 * throughout; wave 1 produced, landed, `load-stg --until-caught-up`,
 * `build-marts`, checked; wave 2 (redeliveries, new versions, late days)
 * produced, landed, the ingester stopped with SIGTERM, loaded, built,
 * everything checked again. Producing a wave takes a few requests per
 * partition and each stage starts once per wave, so a run costs about what
 * the pipeline's start-up costs, whatever the number of records; and when a
 * run fails, fast-check shrinks the drawn lists (each attempt a pipeline run
 * of its own) down to the records that still fail it.
 *
 * Replay: the seed is printed at the start; a failure prints
 * `{ seed, path }`. Run again with TURNOVER_FUZZ_SEED=<seed> (and
 * TURNOVER_FUZZ_PATH=<path> to go straight to the shrunk case);
 * TURNOVER_FUZZ_RUNS overrides the number of runs.
 */

export interface FuzzOptions {
  readonly engine: Engine;
  readonly defaultSeed: number;
  readonly numRuns: number;
  readonly sizes: WaveSizes;
}

/** Shrinking stops after this long, reporting the smallest failing case found (the test's own time-out is 20 minutes). */
const SHRINK_BUDGET_MS = 15 * 60_000;

function settings(options: FuzzOptions): { seed: number; numRuns: number; path?: string } {
  const seed = process.env.TURNOVER_FUZZ_SEED ? Number(process.env.TURNOVER_FUZZ_SEED) : options.defaultSeed;
  const numRuns = process.env.TURNOVER_FUZZ_RUNS ? Number(process.env.TURNOVER_FUZZ_RUNS) : options.numRuns;
  return { seed, numRuns, ...(process.env.TURNOVER_FUZZ_PATH ? { path: process.env.TURNOVER_FUZZ_PATH } : {}) };
}

/** Header names as the engine lands them: exact for the Node engine, as Java decodes them for Spark (docs/spark.md). */
async function nameMapping(engine: Engine, run: PipelineRun): Promise<(name: Buffer) => string> {
  if (engine === 'node') return (name) => name.toString('hex');
  const decoded = await javaDecodedNames(run.produced.flatMap((p) => p.headers.map(([name]) => name)));
  return (name) => decoded.get(name.toString('hex'))!;
}

export function fuzzPipeline(options: FuzzOptions): void {
  const { engine } = options;
  describe(`pipeline fuzz, --engine ${engine}: generated records through the real broker, ingest, load-stg and build-marts`, () => {
    let t: TestStack;
    before(async () => {
      t = await useStack();
    });
    after(async () => {
      await t?.release();
    });

    it('every record lands once byte-exact, every valid transaction reaches STG, every invalid one is a reject with the parser\'s reason, the marts equal the reference over the valid records; every stage keeps going or exits 0', { timeout: 20 * 60_000 }, async (ctx) => {
      const { seed, numRuns, path } = settings(options);
      ctx.diagnostic(`fast-check seed ${seed}, ${numRuns} runs${path ? `, path ${path}` : ''} (replay: TURNOVER_FUZZ_SEED=${seed})`);
      console.log(`pipeline fuzz (${engine}): seed ${seed}, ${numRuns} runs`);
      let runs = 0;
      let records = 0;
      const outcomes = new Map<string, number>();
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(drawn(engine, options.sizes), async (d: Drawn) => {
          runs += 1;
          const [first, second] = waves(d);
          const run = await PipelineRun.start(t, engine, runs);
          try {
            await run.produceAndLand(first);
            await run.loadStg(d.chunkSize);
            await run.buildMarts(d.daysPerTransaction);
            const afterFirst = expectedOf(run.produced);
            await assertStg(run.warehouseUrl, run.topic, run.produced, afterFirst);
            await assertMarts(run.warehouseUrl, afterFirst);

            await run.produceAndLand(second);
            await run.stopIngester(t);
            await assertLanded(run.stagingUrl, run.topic, run.produced, await nameMapping(engine, run));
            await run.loadStg(d.chunkSize);
            await run.buildMarts(d.daysPerTransaction);
            const afterSecond = expectedOf(run.produced);
            await assertStg(run.warehouseUrl, run.topic, run.produced, afterSecond);
            await assertMarts(run.warehouseUrl, afterSecond);
            records += run.produced.length;
            for (const v of afterSecond.verdicts.values()) {
              const outcome = v.kind === 'row' ? `valid ${v.record.kind.toLowerCase()}` : v.reason;
              outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
            }
          } finally {
            await run.close();
          }
        }),
        { seed, numRuns, ...(path ? { path } : {}), interruptAfterTimeLimit: SHRINK_BUDGET_MS, markInterruptAsFailure: true },
      );
      ctx.diagnostic(`${runs} pipeline runs, ${records} records, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      ctx.diagnostic(`outcomes: ${[...outcomes].sort(([, a], [, b]) => b - a).map(([o, n]) => `${o} ${n}`).join(', ')}`);
    });
  });
}
