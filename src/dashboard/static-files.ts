import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../paths.js';

export interface StaticFile {
  readonly body: Buffer;
  /** The body gzipped once at start (ECharts: 1.1 MB → about a third). */
  readonly gzipped: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/**
 * The page's files, from the package root so that the compiled code under
 * dist/ finds them too (they are not compiled: plain ES modules).
 */
export const PUBLIC_DIR = join(PACKAGE_ROOT, 'src', 'dashboard', 'public');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** ECharts' ES-module build, served from node_modules: the page makes no request to any other host. */
function echartsFile(): string {
  const main = createRequire(import.meta.url).resolve('echarts'); // …/echarts/dist/echarts.js
  return join(dirname(main), 'echarts.esm.min.mjs');
}

function load(path: string): StaticFile {
  const body = readFileSync(path);
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
  };
}

/**
 * URL path -> file, fixed when the server starts: only these paths are ever
 * served, so no request path reaches the file system.
 */
export function loadStaticFiles(): ReadonlyMap<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(PUBLIC_DIR)) {
    if (CONTENT_TYPES[extname(name)]) files.set(`/${name}`, load(join(PUBLIC_DIR, name)));
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  files.set('/vendor/echarts.esm.min.mjs', load(echartsFile()));
  return files;
}
