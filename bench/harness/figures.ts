import type { Better } from './rounding.js';
import { median, range } from './stats.js';
import { judge, type Target, type Verdict } from './verdict.js';

/** One figure of a benchmark, measured once per round. */
export interface FigureSpec {
  readonly name: string;
  readonly better: Better;
  /** Prints a value of the figure, rounded against it (see rounding.ts), with its unit. */
  readonly format: (value: number) => string;
  readonly targets?: readonly Target[];
}

export interface TargetResult extends Target {
  readonly verdict: Verdict;
  readonly reason?: string;
}

/** A figure over its rounds, as printed and as written to the JSON. */
export interface FigureResult {
  readonly name: string;
  readonly better: Better;
  readonly values: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly targets: readonly TargetResult[];
}

export function summarize(spec: FigureSpec, values: readonly number[]): FigureResult {
  const finite = values.filter((v) => Number.isFinite(v));
  const stats = finite.length > 0 ? { median: median(finite), ...range(finite) } : { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const targets = (spec.targets ?? []).map((t) => ({ ...t, ...judge(values, t) }));
  return { name: spec.name, better: spec.better, values: [...values], ...stats, targets };
}

/** "name: median X (range A–B, N rounds)", then one line per target with its verdict. */
export function figureLines(spec: FigureSpec, result: FigureResult): string[] {
  const n = result.values.length;
  const lines = [`${result.name}: median ${spec.format(result.median)} (range ${spec.format(result.min)}–${spec.format(result.max)}, ${n} round${n === 1 ? '' : 's'})`];
  for (const t of result.targets) {
    const verdict = t.verdict === 'no verdict' ? `no verdict (${t.reason})` : t.verdict;
    lines.push(`  target ${t.better === 'higher' ? '≥' : '≤'} ${spec.format(t.bound)} (${t.source}): ${verdict}`);
  }
  return lines;
}
