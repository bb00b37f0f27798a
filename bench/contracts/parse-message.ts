/**
 * Parser micro-benchmark on the live feed's real messages: the production
 * parser (`parseMessage`: feed-shape reader, JSON.parse fallback, hand-written
 * validator) against JSON.parse + the same validator, against zod's generic
 * path, and against bare JSON.parse.
 * Run: node dist/bench/contracts/parse-message.js [messages]
 */
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { parseFeedValue, parseMessage, parseFeedValueWithSchema } from '../../src/contracts/index.js';
import { LIVE_FEED } from '../../test/support/paths.js';
import { machineLine } from '../harness/machine.js';

const values: Buffer[] = [];
for (const file of [LIVE_FEED.messages, LIVE_FEED.transactions100]) {
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line) values.push(Buffer.from(line));
}
const N = Number(process.argv[2] ?? 1_000_000);
const messages = Array.from({ length: N }, (_, i) => values[i % values.length]!);
const meanBytes = messages.reduce((s, v) => s + v.length, 0) / N;

/** Best of 3 rounds, wall and CPU time per message (CPU is the steadier figure on a shared machine). */
function measure(name: string, fn: (value: Buffer) => unknown): void {
  let sink = 0;
  for (let i = 0; i < Math.min(N, 100_000); i++) if (fn(messages[i]!)) sink++; // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < 3; round++) {
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i++) if (fn(messages[i]!)) sink++;
    const used = process.cpuUsage(cpu0);
    wall.push(Number(process.hrtime.bigint() - start) / N);
    cpu.push(((used.user + used.system) * 1000) / N);
  }
  const best = Math.min(...wall);
  console.log(`| ${name} | ${best.toFixed(0)} | ${Math.min(...cpu).toFixed(0)} | ${(1e9 / best / 1000).toFixed(0)}k |${sink > 0 ? '' : ' (no result)'}`);
}

console.log(machineLine());
console.log(`${N} messages cycled from ${values.length} live feed values, mean ${meanBytes.toFixed(0)} bytes`);
console.log('| path | ns/msg (wall) | ns/msg (CPU) | msg/s |');
console.log('|---|---|---|---|');
measure('`JSON.parse(toString)` alone (no validation)', (v) => JSON.parse(v.toString('utf8')));
measure('`parseMessage` (production: feed-shape reader + hand-written validator)', (v) => parseMessage(v).ok);
measure('isUtf8 + JSON.parse + hand-written validator (no feed-shape reader)', (v) => isUtf8(v) && parseFeedValue(JSON.parse(v.toString('utf8'))).ok);
measure('isUtf8 + JSON.parse + zod schema (generic path)', (v) => isUtf8(v) && parseFeedValueWithSchema(JSON.parse(v.toString('utf8'))).ok);
