import type { CommandContext, Handler } from '../command/command-spec.js';
import { retryWhileUnavailable } from '../retry/retry-unavailable.js';
import { isRetriable } from '../retry/index.js';
import { PausePoint } from '../test-hooks/pause-point.js';
import { openWarehouse } from '../warehouse/index.js';
import { BufferPool } from './buffer-pool.js';
import { ChunkWriter } from './chunk-writer.js';
import { InlineParser } from './landed-parser.js';
import { LandingReader } from '../landing/index.js';
import { StgLoader, type LoadTotals } from './loader.js';
import { loadStgConfig, type LoadStgConfig } from './options.js';
import { ParserPool } from './parser-pool.js';
import { addCounts } from './types.js';
import type { LoadStgOptions } from './command.js';

/** What the load did over all its sessions (one per outage survived). */
interface RunTotals extends LoadTotals {
  lookups: number;
  retries: number;
}

export const loadStg: Handler<LoadStgOptions> = async (input, context) => {
  const config = loadStgConfig(input.options, context.testHooks);
  const started = Date.now();
  const totals: RunTotals = { read: 0, inserted: 0, updated: 0, duplicates: 0, rejected: 0, conflicts: 0, chunks: 0, purged: 0, refused: 0, watermarks: new Map(), lookups: 0, retries: 0 };
  const pause = new PausePoint(config.pauseAt);
  try {
    await retryWhileUnavailable(
      { what: 'load-stg', timeoutMs: config.unavailableTimeoutMs, signal: context.signal, logger: context.logger, onRetry: () => (totals.retries += 1) },
      (progressed) => loadSession(config, context, totals, { progressed, pause }),
    );
  } catch (error) {
    // stopped by a signal while waiting for a database: nothing is half done, so it ends like any stop
    if (!(context.signal.aborted && isRetriable(error))) throw error;
  }
  const t = totals;
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? Math.round(t.read / seconds) : 0;
  context.stdout.write(
    `load-stg: ${t.read} landed records in ${t.chunks} chunks (${seconds.toFixed(1)} s, ${rate} records/s): ` +
      `inserted ${t.inserted}, updated ${t.updated}, duplicates ${t.duplicates}, rejected ${t.rejected}, conflicts ${t.conflicts}` +
      (t.lookups > 0 ? `; ${t.lookups} chunks looked up stored keys` : '') +
      (t.refused > 0 ? `; ${t.refused} records refused by the warehouse, quarantined as warehouse_refused` : '') +
      (config.purgeOlderThanDays !== undefined ? `; purged ${t.purged} loaded records from the landing zone` : '') +
      (t.retries > 0 ? `; resumed ${t.retries} times from the committed watermarks after a database became unavailable` : '') +
      (context.signal.aborted ? ' (stopped by signal)' : '') +
      '\n',
  );
};

/**
 * One session: connections, parse workers and the loader, from the committed
 * watermarks on. Whatever it commits is added to `totals`, also when it ends
 * with an error (a chunk whose commit the outage left in doubt is not counted
 * here; stg.load_state's counters have it if it committed).
 */
async function loadSession(config: LoadStgConfig, context: CommandContext, totals: RunTotals, hooks: { progressed: () => void; pause: PausePoint }): Promise<void> {
  const buffers = new BufferPool(2);
  const reader = new LandingReader(config.stagingUrl, context.logger, buffers);
  let loader: StgLoader | undefined;
  let writer: ChunkWriter | undefined;
  try {
    const warehouse = await openWarehouse(config.warehouseUrl, context.logger);
    try {
      writer = await ChunkWriter.open(warehouse);
      const encoding = warehouse.capabilities.copyEncoding;
      const parser = encoding === undefined ? new InlineParser() : new ParserPool(config.parseWorkers, encoding, buffers, hooks.pause);
      try {
        loader = new StgLoader(config, reader, parser, writer, context.logger, context.signal, hooks);
        await loader.run();
      } finally {
        await parser.close();
        await writer.close().catch(() => undefined);
      }
    } finally {
      await warehouse.close().catch(() => undefined);
    }
  } finally {
    await reader.close().catch(() => undefined);
    if (loader) addTotals(totals, loader.totals);
    totals.lookups += writer?.lookups ?? 0;
  }
}

function addTotals(into: RunTotals, from: LoadTotals): void {
  addCounts(into, from);
  into.chunks += from.chunks;
  into.purged += from.purged;
  into.refused += from.refused;
  for (const [key, next] of from.watermarks) into.watermarks.set(key, next);
}
