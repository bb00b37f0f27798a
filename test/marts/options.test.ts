import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { DEFAULT_PARALLEL, parallelFor, resolveBuildMartsConfig } from '../../src/marts/options.js';

describe('build-marts options', () => {
  it('runs one transaction at a time on Vertica and two on PostgreSQL unless --parallel says otherwise', () => {
    const unset = resolveBuildMartsConfig({});
    assert.equal(unset.parallel, undefined);
    assert.equal(parallelFor(unset, 'vertica'), 1);
    assert.equal(parallelFor(unset, 'postgres'), 2);
    assert.deepEqual(DEFAULT_PARALLEL, { postgres: 2, vertica: 1 });
    const given = resolveBuildMartsConfig({ parallel: 3 });
    assert.equal(parallelFor(given, 'vertica'), 3);
    assert.equal(parallelFor(given, 'postgres'), 3);
  });

  it('takes both ends of an interval or neither, in order', () => {
    assert.throws(() => resolveBuildMartsConfig({ from: '2026-01-01' }), UsageError);
    assert.throws(() => resolveBuildMartsConfig({ from: '2026-01-02', to: '2026-01-01' }), UsageError);
    assert.deepEqual(resolveBuildMartsConfig({ from: '2026-01-01', to: '2026-01-02' }).interval, { from: '2026-01-01', to: '2026-01-02' });
  });

  it('--verify changes nothing, so it refuses --dry-run beside it', () => {
    assert.equal(resolveBuildMartsConfig({}).verify, false);
    assert.equal(resolveBuildMartsConfig({ verify: true }).verify, true);
    assert.throws(() => resolveBuildMartsConfig({ verify: true, dryRun: true }), UsageError);
  });
});
