import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions } from '../../src/command/option-values.js';
import { UsageError } from '../../src/errors.js';
import { BUILD_MARTS_OPTIONS } from '../../src/marts/command.js';
import { DEFAULT_PARALLEL, parallelFor, resolveBuildMartsConfig } from '../../src/marts/options.js';

/** The config of these flags' values, through the command kit as the CLI gives them. */
const configOf = (raw: Record<string, unknown>) => resolveBuildMartsConfig(parseOptions(BUILD_MARTS_OPTIONS, raw));

describe('build-marts options', () => {
  it('runs one transaction at a time on Vertica and two on PostgreSQL unless --parallel says otherwise', () => {
    const unset = configOf({});
    assert.equal(unset.parallel, undefined);
    assert.equal(parallelFor(unset, 'vertica'), 1);
    assert.equal(parallelFor(unset, 'postgres'), 2);
    assert.deepEqual(DEFAULT_PARALLEL, { postgres: 2, vertica: 1 });
    const given = configOf({ parallel: 3 });
    assert.equal(parallelFor(given, 'vertica'), 3);
    assert.equal(parallelFor(given, 'postgres'), 3);
  });

  it('takes both ends of an interval or neither, in order', () => {
    assert.throws(() => configOf({ from: '2026-01-01' }), UsageError);
    assert.throws(() => configOf({ from: '2026-01-02', to: '2026-01-01' }), UsageError);
    assert.deepEqual(configOf({ from: '2026-01-01', to: '2026-01-02' }).interval, { from: '2026-01-01', to: '2026-01-02' });
  });

  it('--verify changes nothing, so it refuses --dry-run beside it', () => {
    assert.equal(configOf({}).verify, false);
    assert.equal(configOf({ verify: true }).verify, true);
    assert.throws(() => configOf({ verify: true, dryRun: true }), UsageError);
  });
});
