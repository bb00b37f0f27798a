import type { Handler } from '../../cli/command-spec.js';
import { NotImplementedError } from '../../errors.js';

export const provision: Handler = async () => {
  throw new NotImplementedError('bi metabase provision');
};
