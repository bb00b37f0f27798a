import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { steadyFrom, steadyFromFirstRow, windowBetween, type Sample } from '../../bench/harness/steady.js';

// a run of 1,000,000 rows: nothing for 1.5 s (start-up), a first batch of 100,000, then steady work
const run: Sample[] = [
  { atS: 0.1, rows: 0 },
  { atS: 1.5, rows: 0 },
  { atS: 1.6, rows: 100_000 },
  { atS: 3.6, rows: 500_000 },
  { atS: 6.1, rows: 1_000_000 },
];

describe('steady window', () => {
  it('divides only the rows landed inside the window by the window', () => {
    const w = steadyFromFirstRow(run)!;
    assert.equal(w.rows, 900_000);
    assert.ok(Math.abs(w.seconds - 4.5) < 1e-9);
    assert.ok(Math.abs(w.rowsPerS - 200_000) < 1e-6);
  });

  it('is slower than the old reading that credited the window with the first batch', () => {
    const flattering = 1_000_000 / (6.1 - 1.6);
    assert.ok(steadyFromFirstRow(run)!.rowsPerS < flattering);
  });

  it('starts at the first sample at or after a given moment (the engine saying it consumes)', () => {
    const w = steadyFrom(run, 2)!;
    assert.equal(w.rows, 500_000);
    assert.ok(Math.abs(w.seconds - 2.5) < 1e-9);
    assert.equal(steadyFrom(run, 1.5)!.rows, 1_000_000);
  });

  it('has no window when one sample saw every row, or nothing landed', () => {
    assert.equal(steadyFromFirstRow([{ atS: 0.2, rows: 0 }, { atS: 0.3, rows: 10 }]), undefined);
    assert.equal(steadyFromFirstRow([{ atS: 0.2, rows: 0 }]), undefined);
    assert.equal(steadyFromFirstRow([]), undefined);
    assert.equal(steadyFrom(run, 7), undefined);
    assert.equal(windowBetween({ atS: 1, rows: 5 }, { atS: 1, rows: 9 }), undefined);
  });
});
