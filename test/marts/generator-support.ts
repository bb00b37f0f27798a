import { generateFeed, parseScenario } from '../../src/generator/index.js';

/** The generator's feed for the days, as the Kafka values it would produce, in emission order. */
export function generatedFeed(options: { from: string; to: string; transactionsPerDay: number; seed?: number; scenarios?: readonly string[] }): Buffer[] {
  const values: Buffer[] = [];
  for (const message of generateFeed({
    seed: options.seed ?? 7,
    from: options.from,
    to: options.to,
    transactionsPerDay: options.transactionsPerDay,
    scenarios: (options.scenarios ?? []).map(parseScenario),
  })) {
    values.push(typeof message.value === 'string' ? Buffer.from(message.value) : message.value);
  }
  return values;
}
