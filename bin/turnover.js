#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript under dist/ (built by `npm ci` via `prepare`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A SIGINT/SIGTERM that arrives while the CLI is still loading is kept and handed to the
// entry point, which stops gracefully: without this the default action would kill the
// process mid-start with no exit status of ours.
const earlySignals = [];
const remember = (signal) => earlySignals.push(signal);
process.on('SIGINT', remember);
process.on('SIGTERM', remember);
globalThis.turnoverEarlySignals = { signals: earlySignals, listener: remember };

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const entry = join(dist, 'src', 'cli', 'main.js');
// the statements each dialect sends are compiled beside the code (dist/sql/<dialect>/)
if (!existsSync(entry) || !existsSync(join(dist, 'sql'))) {
  process.stderr.write('turnover: not built yet: run `npm ci` (or `npm run build`) in the checkout first\n');
  process.exit(4);
}
await import(pathToFileURL(entry).href);
