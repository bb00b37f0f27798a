import type { Handler } from '../cli/command-spec.js';
import { openWarehouse } from '../warehouse/index.js';
import { BufferPool } from './buffer-pool.js';
import { ChunkWriter } from './chunk-writer.js';
import { InlineParser } from './landed-parser.js';
import { LandingReader } from './landing-reader.js';
import { StgLoader } from './loader.js';
import { loadStgConfig } from './options.js';
import { ParserPool } from './parser-pool.js';

export const loadStg: Handler = async (input, context) => {
  const config = loadStgConfig(input.options, context.env);
  const started = Date.now();
  const buffers = new BufferPool(2);
  const reader = new LandingReader(config.stagingUrl, context.logger, buffers);
  const warehouse = await openWarehouse(config.warehouseUrl, context.logger);
  try {
    const writer = await ChunkWriter.open(warehouse);
    const encoding = warehouse.capabilities.copyEncoding;
    const parser = encoding === undefined ? new InlineParser() : new ParserPool(config.parseWorkers, encoding, buffers);
    try {
      const loader = new StgLoader(config, reader, parser, writer, context.logger, context.signal);
      const t = await loader.run();
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(t.read / seconds) : 0;
      context.stdout.write(
        `load-stg: ${t.read} landed records in ${t.chunks} chunks (${seconds.toFixed(1)} s, ${rate} records/s): ` +
          `inserted ${t.inserted}, updated ${t.updated}, duplicates ${t.duplicates}, rejected ${t.rejected}, conflicts ${t.conflicts}` +
          (writer.lookups > 0 ? `; ${writer.lookups} chunks looked up stored keys` : '') +
          (t.refused > 0 ? `; ${t.refused} records refused by the warehouse, quarantined as warehouse_refused` : '') +
          (config.purgeOlderThanDays !== undefined ? `; purged ${t.purged} loaded records from the landing zone` : '') +
          (context.signal.aborted ? ' (stopped by signal)' : '') +
          '\n',
      );
    } finally {
      await parser.close();
      await writer.close();
    }
  } finally {
    await warehouse.close();
    await reader.close();
  }
};
