import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benchArgs } from '../../bench/harness/report.js';

describe('benchArgs', () => {
  it('keeps the positional arguments as the benchmark read them before --json existed', () => {
    assert.deepEqual(benchArgs(['100000'], {}), { positional: ['100000'], jsonToStdout: false, jsonPath: undefined });
    assert.deepEqual(benchArgs(['60', '--json', '3000'], {}), { positional: ['60', '3000'], jsonToStdout: true, jsonPath: undefined });
  });

  it('reads BENCH_JSON as the file for the JSON', () => {
    assert.deepEqual(benchArgs([], { BENCH_JSON: '/tmp/ingest.json' }), { positional: [], jsonToStdout: false, jsonPath: '/tmp/ingest.json' });
    assert.equal(benchArgs([], { BENCH_JSON: '' }).jsonPath, undefined);
  });
});
