import type { Handler } from '../command/command-spec.js';
import { runIngester } from './ingester.js';
import { ingestConfigFrom } from './options.js';

export const ingest: Handler = async (input, context) => {
  const config = ingestConfigFrom(input.options, context.env);
  if (config.engine === 'spark') {
    // loaded only for the Spark engine: the node engine's start-up does not pay for it
    const { runSparkIngester, sparkLaunchConfigFrom } = await import('../spark/index.js');
    return runSparkIngester(sparkLaunchConfigFrom(config, input.options), context);
  }
  await runIngester(config, context);
};
