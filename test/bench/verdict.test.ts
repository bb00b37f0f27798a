import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge, MIN_ROUNDS_FOR_VERDICT, type Target } from '../../bench/harness/verdict.js';

const atLeast90: Target = { better: 'higher', bound: 0.9, source: 'SPEC §6' };
const atMost2s: Target = { better: 'lower', bound: 2, source: 'issue 22' };

describe('judge', () => {
  it('holds the median, not the best round, against an at-least target', () => {
    assert.deepEqual(judge([0.54, 0.6, 0.95], atLeast90), { verdict: 'not met' });
    assert.deepEqual(judge([0.91, 0.89, 0.9], atLeast90), { verdict: 'met' });
    assert.deepEqual(judge([0.897, 0.897, 0.897], atLeast90), { verdict: 'not met' });
  });

  it('holds the median against an at-most target', () => {
    assert.deepEqual(judge([1.91, 2.5, 1.4], atMost2s), { verdict: 'met' });
    assert.deepEqual(judge([2.01, 1.2, 2.3], atMost2s), { verdict: 'not met' });
  });

  it('gives no verdict on fewer than three rounds', () => {
    assert.equal(MIN_ROUNDS_FOR_VERDICT, 3);
    const one = judge([0.99], atLeast90);
    assert.equal(one.verdict, 'no verdict');
    assert.match(one.reason!, /1 measured round, at least 3 needed/);
    assert.match(judge([0.99, 0.98], atLeast90).reason!, /2 measured rounds/);
  });

  it('gives no verdict when a round has no value', () => {
    assert.equal(judge([0.95, Number.NaN, 0.96], atLeast90).verdict, 'no verdict');
  });

  it('gives no verdict where the target does not apply to the run', () => {
    const j = judge([0.95, 0.96, 0.97], { ...atLeast90, notApplicable: 'stated for 2,000,000 records' });
    assert.deepEqual(j, { verdict: 'no verdict', reason: 'stated for 2,000,000 records' });
  });
});
