import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { dashboardApi } from '../../src/dashboard/api.js';
import type { LandingProbe } from '../../src/dashboard/landing-probe.js';
import type { DashboardQueries } from '../../src/dashboard/queries.js';
import { PACKAGE_ROOT } from '../support/paths.js';

/** The OpenAPI description in docs/dashboard.md lists exactly the endpoints and parameters the server has. */

interface OpenApi {
  openapi: string;
  paths: Record<string, { get: { parameters?: { $ref: string }[]; responses: Record<string, unknown> } }>;
  components: { parameters: Record<string, { name: string; in: string }> };
}

function documented(): OpenApi {
  const text = readFileSync(join(PACKAGE_ROOT, 'docs', 'dashboard.md'), 'utf8');
  const block = /```yaml\n(openapi:[\s\S]*?)```/.exec(text);
  assert.ok(block, 'docs/dashboard.md has an openapi yaml block');
  return parse(block[1]!) as OpenApi;
}

describe('docs/dashboard.md API description', () => {
  it('has every endpoint with exactly its parameters, and no other', () => {
    const doc = documented();
    assert.equal(doc.openapi, '3.1.0');
    // the route table is built without touching a database
    const endpoints = dashboardApi({} as DashboardQueries, {} as LandingProbe, { refreshSeconds: 0, dialect: 'postgres' });
    assert.deepEqual(Object.keys(doc.paths).sort(), [...endpoints.keys()].sort());
    for (const [path, endpoint] of endpoints) {
      const names = (doc.paths[path]!.get.parameters ?? []).map((p) => doc.components.parameters[p.$ref.split('/').at(-1)!]!.name);
      assert.deepEqual(names.sort(), [...endpoint.params].sort(), path);
      assert.ok(doc.paths[path]!.get.responses['200'], `${path} documents its answer`);
    }
  });
});
