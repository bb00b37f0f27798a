import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuSecondsUp, megabytesUp, percentDown, rateDown, roundAgainst, secondsUp, timesDown } from '../../bench/harness/rounding.js';

describe('rounding that never flatters', () => {
  it('rounds a ratio down to a whole percentage: 89.7% prints 89%', () => {
    assert.equal(percentDown(0.897), '89%');
    assert.equal(percentDown(0.8999999), '89%');
    assert.equal(percentDown(0.9), '90%');
    assert.equal(percentDown(1.0), '100%');
    assert.equal(percentDown(2.52), '252%');
  });

  it('does not lose a whole percent to binary fractions', () => {
    // 0.29 * 100 is 28.999999999999996 in floating point
    assert.equal(percentDown(0.29), '29%');
    assert.equal(percentDown(0.57), '57%');
  });

  it('rounds a multiple down to one decimal: 2.99× prints 2.9×', () => {
    assert.equal(timesDown(2.99), '2.9×');
    assert.equal(timesDown(1.999), '1.9×');
    assert.equal(timesDown(2), '2.0×');
    assert.equal(timesDown(3), '3.0×');
  });

  it('rounds a rate down to a whole number', () => {
    assert.equal(rateDown(199_999.9), '199,999');
    assert.equal(rateDown(100_000), '100,000');
  });

  it('rounds a time, where less is better, up', () => {
    assert.equal(secondsUp(2.001), '2.01 s');
    assert.equal(secondsUp(1.91), '1.91 s');
    assert.equal(secondsUp(2), '2.00 s');
    assert.equal(roundAgainst(2.51, 1, 'lower'), 2.6);
    assert.equal(roundAgainst(300.2, 0, 'lower'), 301);
  });

  it('prints n/a for a figure that was not measured', () => {
    assert.equal(percentDown(Number.NaN), 'n/a');
    assert.equal(timesDown(Number.POSITIVE_INFINITY), 'n/a');
    assert.equal(rateDown(Number.NaN), 'n/a');
    assert.equal(secondsUp(Number.NaN), 'n/a');
  });
});

describe('costs, where less is better', () => {
  it('rounds CPU-seconds and megabytes up', () => {
    assert.equal(cpuSecondsUp(2.51), '2.6 CPU-s');
    assert.equal(cpuSecondsUp(2.5), '2.5 CPU-s');
    assert.equal(megabytesUp(300.2), '301 MB');
    assert.equal(megabytesUp(279), '279 MB');
  });
});
