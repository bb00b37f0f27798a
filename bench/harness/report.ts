import { writeFileSync } from 'node:fs';
import { figureLines, summarize, type FigureResult, type FigureSpec } from './figures.js';
import { machineLine, machineState, type MachineState } from './machine.js';

/** A benchmark's command line: its positional arguments, and where its JSON goes. */
export interface BenchArgs {
  readonly positional: readonly string[];
  /** `--json`: the JSON on stdout, the readable report on stderr. */
  readonly jsonToStdout: boolean;
  /** `BENCH_JSON=path`: the JSON into that file, the readable report on stdout. */
  readonly jsonPath: string | undefined;
}

export function benchArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BenchArgs {
  const jsonPath = env.BENCH_JSON || undefined;
  return { positional: argv.filter((a) => a !== '--json'), jsonToStdout: argv.includes('--json'), jsonPath };
}

/**
 * What a benchmark prints and records: a header with the machine and its
 * load average before, each figure over its rounds with its verdicts, the
 * machine again after, and the same as JSON (`--json` or `BENCH_JSON=path`)
 * so that results can be pasted into BENCHMARKS.md without retyping.
 */
export class BenchReport {
  readonly args: BenchArgs;
  readonly #before: MachineState;
  readonly #settings: Record<string, unknown> = {};
  readonly #rounds: Record<string, unknown>[] = [];
  readonly #figures: FigureResult[] = [];
  readonly #started = performance.now();

  constructor(
    readonly benchmark: string,
    argv: readonly string[] = process.argv.slice(2),
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.args = benchArgs(argv, env);
    this.#before = machineState();
    this.log(`## ${benchmark}`);
    this.log(`before: ${machineLine(this.#before)}`);
  }

  /** A line of the readable report (stderr under --json, so stdout holds only the JSON). */
  log(line = ''): void {
    (this.args.jsonToStdout ? process.stderr : process.stdout).write(`${line}\n`);
  }

  /** The run's settings (sizes, rounds…): printed once and kept in the JSON. */
  settings(values: Record<string, unknown>): void {
    Object.assign(this.#settings, values);
    this.log(`settings: ${Object.entries(values).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  }

  /** One measured round's raw figures, for the JSON (the benchmark prints its own row). */
  round(values: Record<string, unknown>): void {
    this.#rounds.push(values);
  }

  /** Prints a figure's median, range and verdicts, and keeps it for the JSON. */
  figure(spec: FigureSpec, values: readonly number[]): FigureResult {
    const result = summarize(spec, values);
    for (const line of figureLines(spec, result)) this.log(line);
    this.#figures.push(result);
    return result;
  }

  /** Prints the machine after the run and writes the JSON. */
  finish(): void {
    const after = machineState();
    this.log(`after: ${machineLine(after)}`);
    const json = JSON.stringify(
      {
        benchmark: this.benchmark,
        argv: this.args.positional,
        settings: this.#settings,
        machine: { before: this.#before, after },
        wallSeconds: (performance.now() - this.#started) / 1000,
        figures: this.#figures,
        rounds: this.#rounds,
      },
      (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    );
    if (this.args.jsonPath) writeFileSync(this.args.jsonPath, `${json}\n`);
    if (this.args.jsonToStdout) process.stdout.write(`${json}\n`);
  }
}
