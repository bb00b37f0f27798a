import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figureLines, summarize, type FigureSpec } from '../../bench/harness/figures.js';
import { percentDown, secondsUp } from '../../bench/harness/rounding.js';

const ingestRatio: FigureSpec = {
  name: 'ingest / reference, from launch',
  better: 'higher',
  format: percentDown,
  targets: [
    { better: 'higher', bound: 0.9, source: 'SPEC §6' },
    { better: 'higher', bound: 1, source: 'issue 22', notApplicable: 'stated for 2,000,000 records' },
  ],
};

describe('figures', () => {
  it('prints the median and the range, rounded down, and a verdict per target', () => {
    const result = summarize(ingestRatio, [0.897, 0.54, 0.6]);
    assert.equal(result.median, 0.6);
    assert.deepEqual([result.min, result.max], [0.54, 0.897]);
    assert.deepEqual(figureLines(ingestRatio, result), [
      'ingest / reference, from launch: median 60% (range 54%–89%, 3 rounds)',
      '  target ≥ 90% (SPEC §6): not met',
      '  target ≥ 100% (issue 22): no verdict (stated for 2,000,000 records)',
    ]);
  });

  it('says "no verdict" for fewer than three rounds', () => {
    const lines = figureLines(ingestRatio, summarize(ingestRatio, [0.95]));
    assert.equal(lines[0], 'ingest / reference, from launch: median 95% (range 95%–95%, 1 round)');
    assert.equal(lines[1], '  target ≥ 90% (SPEC §6): no verdict (1 measured round, at least 3 needed)');
  });

  it('rounds a time against its at-most target up', () => {
    const p95: FigureSpec = { name: 'p95', better: 'lower', format: secondsUp, targets: [{ better: 'lower', bound: 2, source: 'issue 22' }] };
    assert.deepEqual(figureLines(p95, summarize(p95, [2.001, 1.8, 2.3])), ['p95: median 2.01 s (range 1.80 s–2.30 s, 3 rounds)', '  target ≤ 2.00 s (issue 22): not met']);
  });

  it('keeps the rounds it could not measure out of the statistics but not out of the verdict', () => {
    const result = summarize(ingestRatio, [0.95, Number.NaN, 0.97]);
    assert.ok(Math.abs(result.median - 0.96) < 1e-12);
    assert.equal(result.targets[0]!.verdict, 'no verdict');
  });
});
