import type { Handler } from '../command/command-spec.js';
import type { ReplayOptions } from './command.js';
import { UsageError } from '../errors.js';
import { destinationFrom } from './options.js';
import { Progress } from './progress.js';
import { replayMessages } from './replay.js';
import type { ReplayFormat } from './replay-formats.js';
import { openSink } from './sinks/open-sink.js';
import { sinkFailure } from './sinks/feed-sink.js';

/** `turnover replay FILE`: exit 0 when every line was produced, 130 when interrupted. */
export const handler: Handler<ReplayOptions> = async ({ args, options }, { logger, signal, stdout, secrets }) => {
  const path = args[0];
  if (!path) throw new UsageError('replay needs a FILE');
  const destination = destinationFrom(options, secrets);
  let format: ReplayFormat | undefined;
  let count = 0;
  let stopped = false;
  const progress = new Progress(logger);
  // read the first line before touching Kafka: a wrong file fails fast
  const messages = replayMessages(path, (f) => {
    format = f;
    logger.info(`${path}: ${f}`);
  }, signal);
  const first = await messages.next();
  const sink = await openSink(destination, logger);
  let failure: unknown;
  try {
    for (let batch = first; !batch.done; batch = await messages.next()) {
      for (const item of batch.value) {
        const wait = sink.write(item);
        if (wait) await wait;
        count++;
        progress.tick(count, () => `line ${item.line}`);
      }
      if (signal.aborted) {
        stopped = true;
        break;
      }
    }
  } catch (error) {
    failure = error;
  }
  await messages.return(undefined);
  try {
    await sink.close();
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw sinkFailure(sink, destination.kind, failure);
  const summary = { file: path, format: format ?? 'empty', messages: count, target: sink.target, stopped };
  stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${stopped ? 'stopped after ' : ''}${count} messages from ${path} (${summary.format}) to ${sink.target}\n`);
  return stopped ? 130 : 0;
};
