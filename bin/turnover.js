#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript under dist/ (built by `npm ci` via `prepare`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('turnover: not built yet: run `npm ci` (or `npm run build`) in the checkout first\n');
  process.exit(4);
}
await import(pathToFileURL(entry).href);
