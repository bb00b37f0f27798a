/**
 * Parser micro-benchmark on the live feed's real messages: the production
 * parser (`parseMessage`, hand-written fast path) against the zod schema's
 * generic path and against bare JSON.parse, which bounds what any validator
 * on top of it can reach. Run: node dist/bench/contracts/parse-message.js
 */
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { parseMessage, parseFeedValueWithSchema } from '../../src/contracts/index.js';
import { LIVE_FEED } from '../../test/support/paths.js';
import { machineLine } from '../ingest/machine.js';

const values: Buffer[] = [];
for (const file of [LIVE_FEED.messages, LIVE_FEED.transactions100]) {
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line) values.push(Buffer.from(line));
}
const N = Number(process.argv[2] ?? 1_000_000);
const messages = Array.from({ length: N }, (_, i) => values[i % values.length]!);
const meanBytes = messages.reduce((s, v) => s + v.length, 0) / N;

function measure(name: string, fn: (value: Buffer) => unknown): void {
  let sink = 0;
  for (let i = 0; i < Math.min(N, 100_000); i++) if (fn(messages[i]!)) sink++; // warm-up
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) if (fn(messages[i]!)) sink++;
    rounds.push(Number(process.hrtime.bigint() - start) / N);
  }
  const best = Math.min(...rounds);
  console.log(`${name.padEnd(44)} ${best.toFixed(0).padStart(6)} ns/msg  ${(1e9 / best / 1000).toFixed(0).padStart(6)}k msg/s  (rounds ${rounds.map((r) => r.toFixed(0)).join(', ')} ns; ${sink > 0 ? 'ok' : ''})`);
}

console.log(machineLine());
console.log(`${N} messages cycled from ${values.length} live feed values, mean ${meanBytes.toFixed(0)} bytes`);
measure('JSON.parse(toString) only', (v) => JSON.parse(v.toString('utf8')));
measure('isUtf8 + JSON.parse', (v) => isUtf8(v) && JSON.parse(v.toString('utf8')));
measure('parseMessage (production: fast path)', (v) => parseMessage(v).ok);
measure('zod generic path (isUtf8 + JSON.parse + zod)', (v) => isUtf8(v) && parseFeedValueWithSchema(JSON.parse(v.toString('utf8'))).ok);
