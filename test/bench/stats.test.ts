import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, percentile, range } from '../../bench/harness/stats.js';

describe('median', () => {
  it('is the middle value of an odd count, in any order', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([0.9, 0.6, 0.74, 0.65, 0.54]), 0.65);
    assert.equal(median([7]), 7);
  });

  it('is the mean of the two middle values of an even count', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('refuses no values and NaN rather than print a figure nobody measured', () => {
    assert.throws(() => median([]), /no values/);
    assert.throws(() => median([1, Number.NaN, 2]), /not a number/);
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe('range', () => {
  it('is the smallest and the largest value', () => {
    assert.deepEqual(range([216_964, 297_859, 236_440]), { min: 216_964, max: 297_859 });
    assert.deepEqual(range([5]), { min: 5, max: 5 });
  });
});

describe('percentile', () => {
  it('is nearest-rank: always one of the values', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(percentile(twenty, 95), 19);
    assert.equal(percentile(twenty, 50), 10);
    assert.equal(percentile(twenty, 100), 20);
    assert.equal(percentile([2.5, 1.2, 1.4], 95), 2.5);
    assert.equal(percentile([1.2], 50), 1.2);
  });

  it('refuses a percentile outside (0, 100]', () => {
    assert.throws(() => percentile([1], 0));
    assert.throws(() => percentile([1], 101));
  });
});
