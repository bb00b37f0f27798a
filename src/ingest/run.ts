import type { Handler } from '../cli/command-spec.js';
import { runIngester } from './ingester.js';
import { ingestConfigFrom } from './options.js';
import { runSparkIngester, sparkLaunchConfigFrom } from '../spark/index.js';

export const ingest: Handler = async (input, context) => {
  const config = ingestConfigFrom(input.options, context.env);
  if (config.engine === 'spark') return runSparkIngester(sparkLaunchConfigFrom(config, input.options), context);
  await runIngester(config, context);
};
