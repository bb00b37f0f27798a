import { setTimeout as sleep } from 'node:timers/promises';
import type { Handler } from '../command/command-spec.js';
import type { GenerateOptions } from './command.js';
import type { Logger } from '../log/logger.js';
import { dateOfDay, DAY_MS } from './days.js';
import { generateFeed, type FeedOptions } from './feed.js';
import { generateConfigFrom, transactionsPerDayForRate, type GenerateConfig } from './options.js';
import { Progress } from './progress.js';
import { FeedSummary } from './summary.js';
import { openSink } from './sinks/open-sink.js';
import { sinkFailure, type FeedSink } from './sinks/feed-sink.js';
import type { GeneratedMessage } from './types.js';

/** The feed segments of a run: the backfill (if any) as fast as possible, then the live tail (if any) paced by the clock. */
export function feedSegments(config: GenerateConfig, now: number): { live: boolean; options: FeedOptions }[] {
  const common = { seed: config.seed, scenarios: config.scenarios, ...(config.customers === undefined ? {} : { customers: config.customers }) };
  const segments: { live: boolean; options: FeedOptions }[] = [];
  if (config.range) {
    segments.push({ live: false, options: { ...common, from: config.range.from, to: config.range.to, transactionsPerDay: config.transactionsPerDay } });
  }
  if (config.rate !== undefined) {
    const start = now;
    segments.push({
      live: true,
      options: { ...common, from: dateOfDay(Math.floor(start / DAY_MS)), startAt: start, transactionsPerDay: transactionsPerDayForRate(config.rate), steady: true },
    });
  }
  return segments;
}

interface RunState {
  readonly summary: FeedSummary;
  readonly progress: Progress;
  stopped: boolean;
  /** Messages still to generate without sending (--skip-messages). */
  toSkip: number;
}

async function pump(feed: Iterable<GeneratedMessage>, live: boolean, sink: FeedSink, config: GenerateConfig, state: RunState, signal: AbortSignal): Promise<void> {
  const { summary, progress } = state;
  let day = '';
  for (const message of feed) {
    if (signal.aborted || (config.maxMessages !== undefined && summary.messages >= config.maxMessages)) {
      state.stopped = signal.aborted;
      return;
    }
    if (state.toSkip > 0) {
      // already sent by the run being resumed: same seed and options, same messages in the same order
      state.toSkip -= 1;
      continue;
    }
    if (live && message.emitAt > Date.now()) {
      // a live tail sends what is due, then waits for the next message's time
      await sink.flush();
      progress.tick(summary.messages, () => `live, ${message.day}`, true);
      try {
        await sleep(message.emitAt - Date.now(), undefined, { signal });
      } catch {
        state.stopped = true;
        return;
      }
    }
    const wait = sink.write(message);
    if (wait) await wait;
    summary.add(message);
    day = message.day;
    progress.tick(summary.messages, () => `day ${day}`);
  }
}

function describeRun(config: GenerateConfig): string {
  const parts: string[] = [];
  if (config.range) parts.push(`${config.range.from}..${config.range.to} at ~${config.transactionsPerDay.toLocaleString('en-US')} operations/day`);
  if (config.rate !== undefined) parts.push(`then a live tail at ${config.rate} msg/s until stopped`);
  if (config.scenarios.length > 0) parts.push(`scenarios ${config.scenarios.map((s) => s.text).join(', ')}`);
  return `${parts.join(', ')} (seed ${config.seed})`;
}

function printSummary(config: GenerateConfig, sink: FeedSink, state: RunState, stdout: NodeJS.WritableStream, logger: Logger): void {
  const { summary } = state;
  if (config.json) {
    stdout.write(`${JSON.stringify({ ...summary.toJSON(), target: sink.target, stopped: state.stopped })}\n`);
    return;
  }
  const poison = Object.entries(summary.poisonByReason).map(([r, n]) => `${r} ${n}`).join(', ');
  const extra = Object.entries(summary.byOrigin).filter(([o]) => o !== 'poison').map(([o, n]) => `${o} ${n}`).join(', ');
  stdout.write(
    `${state.stopped ? 'stopped after ' : ''}${summary.messages.toLocaleString('en-US')} messages to ${sink.target}: `
      + `${summary.transactions.toLocaleString('en-US')} transactions, ${summary.currencies.toLocaleString('en-US')} currencies`
      + `${poison ? `, poison (${poison})` : ''}${extra ? `; scenario copies: ${extra}` : ''}`
      + `${summary.firstDay ? `; days ${summary.firstDay}..${summary.lastDay}` : ''}\n`,
  );
  logger.debug({ summary: summary.toJSON() }, 'generate finished');
}

/** `turnover generate`: exit 0 when done (or a live tail stopped by a signal), 130 when a backfill was interrupted. */
export const handler: Handler<GenerateOptions> = async ({ options }, { logger, signal, stdout, secrets }) => {
  const config = generateConfigFrom(options, secrets, new Date());
  for (const note of config.notes) logger.info(note);
  logger.info(`generating ${describeRun(config)}`);
  const sink = await openSink(config.destination, logger);
  const state: RunState = { summary: new FeedSummary(), progress: new Progress(logger), stopped: false, toSkip: config.skipMessages };
  if (config.skipMessages > 0) logger.info(`skipping the first ${config.skipMessages.toLocaleString('en-US')} messages (sent by the run being resumed)`);
  let liveStopped = false;
  let failure: unknown;
  try {
    for (const segment of feedSegments(config, Date.now())) {
      await pump(generateFeed(segment.options), segment.live, sink, config, state, signal);
      if (state.stopped) {
        liveStopped = segment.live;
        break;
      }
      if (config.maxMessages !== undefined && state.summary.messages >= config.maxMessages) break;
    }
  } catch (error) {
    failure = error;
  }
  try {
    await sink.close();
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw sinkFailure(sink, config.destination.kind, failure);
  logger.info(`mean ${Math.round(state.progress.meanRate(state.summary.messages)).toLocaleString('en-US')} msg/s`);
  printSummary(config, sink, state, stdout, logger);
  return state.stopped && !liveStopped ? 130 : 0;
};
