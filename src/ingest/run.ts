import type { Handler } from '../command/command-spec.js';
import type { IngestEngine, IngestEngineName } from './engines/engine.js';
import { NODE_ENGINE } from './engines/node.js';
import { SPARK_ENGINE } from './engines/spark.js';
import { ingestConfigFrom } from './options.js';
import type { IngestOptions } from './command.js';

/** Every engine by its `--engine` name: adding one is a file in engines/ and a line here. */
const ENGINES: Readonly<Record<IngestEngineName, IngestEngine>> = Object.freeze({
  node: NODE_ENGINE,
  spark: SPARK_ENGINE,
});

export const ingest: Handler<IngestOptions> = async (input, context) => {
  const config = ingestConfigFrom(input.options, context.secrets);
  await ENGINES[config.engine].run(config, { ...context, options: input.options });
};
