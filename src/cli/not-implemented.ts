import { NotImplementedError } from '../errors.js';
import type { Handler } from './command-spec.js';

/** Loader for a stage that is declared in the CLI but not built yet. */
export function notImplemented(command: string): () => Promise<Handler> {
  return async () => async () => {
    throw new NotImplementedError(`"${command}"`);
  };
}
