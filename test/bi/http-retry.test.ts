import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MetabaseClient } from '../../src/bi/metabase/metabase-client.js';
import { SupersetClient } from '../../src/bi/superset/superset-client.js';
import { EXIT_CODES, exitCodeOf } from '../../src/errors.js';
import { httpPolicy, RetriesExhaustedError, withDeadline } from '../../src/retry/index.js';
import { freePort } from '../../src/process/ports.js';
import { runCli } from '../support/cli.js';

/**
 * What a real HTTP server does to the BI clients when it is busy or
 * restarting: it drops connections (the client reads `other side closed`),
 * answers 503, refuses connections. The server is a real node:http server
 * speaking the slice of Superset's and Metabase's APIs the clients need;
 * `faults` scripts what the next requests of a route get, and every request
 * is recorded, so each test can show the retry was needed and happened.
 */
type Fault = 'drop' | 'drop-after-create' | 503 | 429 | 500 | 404;

class FlakyBi {
  readonly requests: string[] = [];
  readonly faults = new Map<string, Fault[]>();
  readonly charts = new Map<string, number>();
  #server: Server | undefined;
  #nextId = 1;
  url = '';

  async start(port = 0): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  /** The next `count` requests of `route` (`METHOD /path`) get `fault`. */
  fail(route: string, fault: Fault, count = 1): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...Array.from({ length: count }, () => fault)]);
  }

  count(route: string): number {
    return this.requests.filter((r) => r === route).length;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const path = (req.url ?? '/').split('?')[0]!;
    const route = `${req.method} ${path}`;
    this.requests.push(route);
    const fault = this.faults.get(route)?.shift();
    if (fault === 'drop') {
      req.socket.destroy(); // the request arrived; the answer never leaves
      return;
    }
    const answer = (status: number, value: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Set-Cookie': 'session=abc; HttpOnly' });
      res.end(JSON.stringify(value));
    };
    if (typeof fault === 'number') return answer(fault, { message: `scripted ${fault}` });
    if (route === 'POST /api/v1/security/login') return answer(200, { access_token: 'jwt' });
    if (route === 'GET /api/v1/security/csrf_token/') return answer(200, { result: 'csrf' });
    if (route === 'GET /api/v1/chart/') {
      const query = decodeURIComponent(new URL(req.url!, this.url).searchParams.get('q') ?? '');
      return answer(200, { result: [...this.charts].filter(([uuid]) => query.includes(uuid)).map(([uuid, id]) => ({ id, uuid })) });
    }
    if (route === 'POST /api/v1/chart/') {
      this.charts.set(String(body.uuid), this.#nextId++);
      if (fault === 'drop-after-create') {
        req.socket.destroy(); // created, but the answer is lost
        return;
      }
      return answer(201, { id: this.charts.get(String(body.uuid)) });
    }
    if (route === 'POST /api/session') return answer(200, { id: 'session-1' });
    if (route === 'POST /api/card') return answer(200, { id: this.#nextId++ });
    if (route === 'GET /api/user/current') return answer(200, { id: 1 });
    answer(404, { message: 'not found' });
  }
}

const CSRF = 'GET /api/v1/security/csrf_token/';
const LOGIN = 'POST /api/v1/security/login';
/** Short enough for a test that waits for the give-up; the retries themselves are httpPolicy's. */
const quick = { policy: withDeadline(httpPolicy, 2_000) };

describe('the BI clients retry what a busy or restarting server does, with the http policy (a real local HTTP server)', () => {
  const bi = new FlakyBi();
  before(() => bi.start());
  after(() => bi.stop());

  it('Superset: a dropped connection on GET csrf_token ("other side closed", the CI failure) is retried; the login succeeds', async () => {
    bi.fail(CSRF, 'drop', 2);
    const before = bi.count(CSRF);
    const client = await SupersetClient.login(bi.url, 'admin', 'pw');
    assert.ok(client);
    assert.equal(bi.count(CSRF) - before, 3, 'two dropped, the third answered');
  });

  it('Superset: 503, then 429, then 200 on the login (a POST the server says it did not process) is retried', async () => {
    bi.fail(LOGIN, 503);
    bi.fail(LOGIN, 429);
    const before = bi.count(LOGIN);
    await SupersetClient.login(bi.url, 'admin', 'pw');
    assert.equal(bi.count(LOGIN) - before, 3);
  });

  it('Superset: a server that keeps dropping past the deadline ends in one clear line, exit status 5', async () => {
    bi.fail(CSRF, 'drop', 1_000);
    try {
      const error = await SupersetClient.login(bi.url, 'admin', 'pw', quick).catch((e: unknown) => e);
      assert.ok(error instanceof RetriesExhaustedError, String(error));
      assert.equal(exitCodeOf(error), EXIT_CODES.UNAVAILABLE);
      assert.match(error.message, /^Superset at http:\/\/127\.0\.0\.1:\d+ is not reachable \(GET \/api\/v1\/security\/csrf_token\/: other side closed\) \(gave up after \d+ tries in \d+ s\)$/);
      assert.ok(error.attempts > 1, 'it was retried before giving up');
    } finally {
      bi.faults.delete(CSRF);
    }
  });

  it('a 4xx is the request\'s fault: answered once, never retried', async () => {
    const client = await SupersetClient.login(bi.url, 'admin', 'pw');
    const before = bi.count('GET /api/v1/nothing');
    await assert.rejects(client.get('/api/v1/nothing'), (error: Error) => exitCodeOf(error) === EXIT_CODES.CONFIG && /answered 404/.test(error.message));
    assert.equal(bi.count('GET /api/v1/nothing') - before, 1);
  });

  it('Superset create: an answer lost after the chart was created is found by its uuid, never created twice', async () => {
    const client = await SupersetClient.login(bi.url, 'admin', 'pw');
    const uuid = '0b7c2d9e-7c1e-4f0e-9d7a-1f2e3d4c5b6a';
    bi.fail('POST /api/v1/chart/', 'drop-after-create');
    const posts = bi.count('POST /api/v1/chart/');
    const created = await client.create('chart', { uuid, slice_name: 'turnover' });
    assert.equal(created.id, bi.charts.get(uuid));
    assert.equal(bi.count('POST /api/v1/chart/') - posts, 1, 'the POST was not sent again');
    assert.equal([...bi.charts.keys()].filter((u) => u === uuid).length, 1);
  });

  it('Superset create: a POST dropped before it was processed is looked for, not found, and sent again', async () => {
    const client = await SupersetClient.login(bi.url, 'admin', 'pw');
    const uuid = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d';
    bi.fail('POST /api/v1/chart/', 'drop');
    const posts = bi.count('POST /api/v1/chart/');
    const created = await client.create('chart', { uuid, slice_name: 'drivers' });
    assert.equal(created.id, bi.charts.get(uuid));
    assert.equal(bi.count('POST /api/v1/chart/') - posts, 2);
  });

  it('Metabase: a 500 on a GET is retried; a POST whose connection dropped is not sent twice (it may have been processed)', async () => {
    const client = await MetabaseClient.login(bi.url, 'admin@example.com', 'pw');
    bi.fail('GET /api/user/current', 500, 2);
    const gets = bi.count('GET /api/user/current');
    assert.deepEqual(await client.get('/api/user/current'), { id: 1 });
    assert.equal(bi.count('GET /api/user/current') - gets, 3);

    bi.fail('POST /api/card', 'drop');
    const posts = bi.count('POST /api/card');
    await assert.rejects(client.post('/api/card', { name: 'x' }), (error: Error) => exitCodeOf(error) === EXIT_CODES.UNAVAILABLE && /other side closed/.test(error.message));
    assert.equal(bi.count('POST /api/card') - posts, 1);
  });
});

describe('a BI tool that is not up yet', () => {
  it('a refused connection is retried until the server listens (here: after 1 s)', async () => {
    const port = await freePort();
    const late = new FlakyBi();
    const starting = new Promise<void>((resolve) => setTimeout(() => void late.start(port).then(resolve), 1_000));
    try {
      const client = await SupersetClient.login(`http://127.0.0.1:${port}`, 'admin', 'pw');
      assert.ok(client);
      assert.equal(late.count(LOGIN), 1, 'the login reached the server once it listened');
    } finally {
      await starting;
      await late.stop();
    }
  });
});

describe('turnover bi … provision against a server that keeps failing (the real CLI)', () => {
  const bi = new FlakyBi();
  before(() => bi.start());
  after(() => bi.stop());

  it('Metabase answering 503 past --retry-for: one line on stderr, exit 5', async () => {
    bi.fail('POST /api/session', 503, 1_000);
    const result = await runCli(['bi', 'metabase', 'provision', '--url', bi.url, '--user', 'admin@example.com', '--retry-for', '2'], {
      env: { TURNOVER_METABASE_PASSWORD: 'pw', TURNOVER_BI_WAREHOUSE_URL: 'postgres://reporter:pw@warehouse.internal:5432/dwh' },
    });
    assert.equal(result.code, 5, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^turnover: Metabase POST \/api\/session answered 503: scripted 503 \(gave up after \d+ tries in \d+ s\)$/);
    assert.ok(bi.count('POST /api/session') > 1, 'retried before giving up');
  });

  it('Superset dropping every csrf_token request past --retry-for: one line on stderr, exit 5', async () => {
    bi.fail(CSRF, 'drop', 1_000);
    const result = await runCli(['bi', 'superset', 'provision', '--superset-url', bi.url, '--retry-for', '2'], {
      env: { TURNOVER_SUPERSET_ADMIN_USER: 'admin', TURNOVER_SUPERSET_ADMIN_PASSWORD: 'pw', TURNOVER_BI_WAREHOUSE_URL: 'postgres://reporter:pw@warehouse.internal:5432/dwh' },
    });
    assert.equal(result.code, 5, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^turnover: Superset at http:\/\/127\.0\.0\.1:\d+ is not reachable \(GET \/api\/v1\/security\/csrf_token\/: other side closed\) \(gave up after \d+ tries in \d+ s\)$/);
    assert.ok(bi.count(CSRF) > 1, 'retried before giving up');
  });
});
