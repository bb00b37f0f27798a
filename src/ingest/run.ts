import type { Handler } from '../cli/command-spec.js';
import { NotImplementedError } from '../errors.js';
import { runIngester } from './ingester.js';
import { ingestConfigFrom } from './options.js';

export const ingest: Handler = async (input, context) => {
  const config = ingestConfigFrom(input.options, context.env);
  if (config.engine === 'spark') throw new NotImplementedError('"ingest --engine spark"');
  await runIngester(config, context);
};
