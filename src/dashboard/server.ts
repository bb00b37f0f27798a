import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { ApiError, toApiError } from './api-errors.js';
import type { Endpoint } from './api.js';
import { isLoopback } from './options.js';
import { readQuery } from './params.js';
import type { StaticFile } from './static-files.js';

/**
 * Only the page's own origin, no inline script, nothing fetched from any
 * other host. Inline styles are allowed because ECharts styles its tooltips
 * with them.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export interface DashboardServer {
  /** `http://host:port/` as bound (the real port when 0 was asked). */
  readonly url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly endpoints: ReadonlyMap<string, Endpoint>;
  readonly files: ReadonlyMap<string, StaticFile>;
  readonly logger: Logger;
}

/** Hosts a browser may name for a loopback server; anything else is DNS rebinding or a mistake. */
function allowedHost(header: string | undefined, bound: string, port: number): boolean {
  if (!isLoopback(bound)) return true;
  if (!header) return false;
  const name = header.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return (isLoopback(name) || name === bound) && (header.endsWith(`:${port}`) || !/:\d+$/.test(header));
}

/** Answers worth compressing: a year of drivers is about 1 MB of JSON, 60 kB gzipped. */
const GZIP_FROM_BYTES = 1024;

const acceptsGzip = (req: IncomingMessage): boolean => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string, gzipped?: Buffer): void {
  let buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const extra: Record<string, string> = { Vary: 'Accept-Encoding' };
  if (acceptsGzip(req) && buffer.length >= GZIP_FROM_BYTES) {
    buffer = gzipped ?? gzipSync(buffer, { level: 4 });
    extra['Content-Encoding'] = 'gzip';
  }
  res.writeHead(status, { ...PAGE_HEADERS, ...headers, ...extra, 'Content-Length': String(buffer.length) });
  res.end(req.method === 'HEAD' ? undefined : buffer);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  send(req, res, status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...extra }, JSON.stringify(value));
}

function sendError(req: IncomingMessage, res: ServerResponse, error: ApiError): void {
  sendJson(req, res, error.status, { error: { code: error.code, message: error.message } }, error.status === 405 ? { Allow: 'GET, HEAD' } : {});
}

export async function startServer(options: ServerOptions): Promise<DashboardServer> {
  const { endpoints, files, logger } = options;
  let port = options.port;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (!allowedHost(req.headers.host, options.host, port)) {
      sendError(req, res, new ApiError(421, 'misdirected_request', `this dashboard answers only to its loopback address (Host: ${JSON.stringify(req.headers.host ?? '')})`));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(req, res, new ApiError(405, 'method_not_allowed', `${req.method} is not allowed: the dashboard only reads (GET)`));
      return;
    }
    const endpoint = endpoints.get(url.pathname);
    if (endpoint) {
      const started = performance.now();
      try {
        const body = await endpoint.handle(readQuery(url.searchParams, endpoint.params));
        sendJson(req, res, 200, body);
        logger.debug({ path: url.pathname, ms: Math.round(performance.now() - started) }, 'api');
      } catch (error) {
        const answer = toApiError(error);
        if (answer.status >= 500 && answer.code === 'internal') logger.error({ err: error, path: url.pathname }, 'dashboard API failed');
        else if (answer.status >= 500) logger.warn({ path: url.pathname, reason: answer.message }, 'dashboard API unavailable');
        sendError(req, res, answer);
      }
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      sendError(req, res, new ApiError(404, 'not_found', `no endpoint ${url.pathname} (see docs/dashboard.md)`));
      return;
    }
    const file = files.get(url.pathname);
    if (!file) {
      send(req, res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'not found\n');
      return;
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { ...PAGE_HEADERS, ETag: file.etag });
      res.end();
      return;
    }
    send(req, res, 200, { 'Content-Type': file.contentType, 'Cache-Control': 'no-cache', ETag: file.etag }, file.body, file.gzipped);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'dashboard request failed');
      if (!res.headersSent) sendError(req, res, toApiError(error));
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ConfigError(`port ${options.port} on ${options.host} is in use: choose another with --port (0 = any free port)`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new ConfigError(`cannot listen on ${options.host}: not an address of this machine`));
      else if (error.code === 'EACCES') reject(new ConfigError(`not allowed to listen on port ${options.port} (ports below 1024 need privileges)`));
      else reject(error);
    });
    server.listen(options.port, options.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;

  return {
    url: `http://${hostInUrl}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        // stop accepting, let requests in flight finish, then cut idle keep-alive sockets
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 3_000).unref();
      }),
  };
}
