import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { LineTail } from '../process/log-tail.js';
import { stopChild } from '../process/stop.js';
import { Backoff, isRetriableExit, restartPolicy } from '../retry/index.js';

export type RestartPolicy = 'always' | 'never';

export interface ChildSpec {
  /** Short name used in logs and status: `ingest`, `load-stg`, `dashboard`. */
  readonly name: string;
  /** Arguments after `node`, e.g. `[cliPath, 'ingest', '--group', 'x']`. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** `always`: a long-running service, restarted with restartPolicy's back-off; `never`: a one-shot job. */
  readonly restart: RestartPolicy;
}

/** A child that ran this long before dying counts as healthy: its next failure waits the first back-off again. */
const HEALTHY_RUN_MS = 60_000;
const TAIL_LINES = 15;

export interface ChildExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lastLines: readonly string[];
}

/**
 * Runs the pipeline's stages as child processes of `turnover up` — the same
 * CLI commands an orchestrator calls — restarting a dead one with back-off
 * (restartPolicy), keeping each one's output in `<logDir>/<name>.log`, and
 * stopping on the first exit that a restart cannot fix (isRetriableExit:
 * usage, configuration, a missing prerequisite, offsets that do not fit).
 */
export class Supervisor {
  readonly #logDir: string;
  readonly #logger: Logger;
  readonly #children = new Map<string, SupervisedChild>();
  readonly #fatal: Promise<ChildExit>;
  #reportFatal!: (exit: ChildExit) => void;
  #stopping = false;

  constructor(logDir: string, logger: Logger) {
    this.#logDir = logDir;
    this.#logger = logger;
    mkdirSync(logDir, { recursive: true });
    this.#fatal = new Promise((resolve) => (this.#reportFatal = resolve));
  }

  /** Resolves when a child exits with a status a restart cannot fix; `turnover up` then stops everything. */
  get fatal(): Promise<ChildExit> {
    return this.#fatal;
  }

  logFile(name: string): string {
    return join(this.#logDir, `${name}.log`);
  }

  start(spec: ChildSpec): SupervisedChild {
    const child = new SupervisedChild(spec, this.logFile(spec.name), this.#logger, {
      stopping: () => this.#stopping,
      fatal: (exit) => this.#reportFatal(exit),
    });
    this.#children.set(spec.name, child);
    child.launch();
    return child;
  }

  /**
   * Runs a one-shot job (a backfill day, a mart build) to completion with its
   * output in `<logDir>/<name>.log`; `stopAll` interrupts it like any child.
   */
  async runOnce(spec: Omit<ChildSpec, 'restart'>): Promise<ChildExit> {
    const job = new SupervisedChild({ ...spec, restart: 'never' }, this.logFile(spec.name), this.#logger, {
      stopping: () => true, // never restarted: the caller decides what a failure means
      fatal: () => undefined,
    });
    this.#children.set(spec.name, job);
    job.launch();
    await job.whenExited();
    return job.lastExit!;
  }

  /** Stops children in the given order (SIGTERM, then SIGKILL after the grace period). */
  async stopAll(order: readonly string[], graceMs = 30_000): Promise<void> {
    this.#stopping = true;
    const names = [...order, ...[...this.#children.keys()].filter((n) => !order.includes(n))];
    for (const name of names) await this.#children.get(name)?.stop(graceMs);
  }
}

interface SupervisorHooks {
  stopping(): boolean;
  fatal(exit: ChildExit): void;
}

export class SupervisedChild {
  readonly spec: ChildSpec;
  #process: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #log: WriteStream;
  readonly #tail = new LineTail(TAIL_LINES);
  readonly #restarts = new Backoff(restartPolicy);
  #lastExit: ChildExit | undefined;
  readonly #logger: Logger;
  readonly #hooks: SupervisorHooks;

  constructor(spec: ChildSpec, logFile: string, logger: Logger, hooks: SupervisorHooks) {
    this.spec = spec;
    this.#logger = logger;
    this.#hooks = hooks;
    this.#log = createWriteStream(logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.#process !== undefined && this.#process.exitCode === null && this.#process.signalCode === null;
  }

  get lastExit(): ChildExit | undefined {
    return this.#lastExit;
  }

  /** Resolves when the current process exits (for jobs the runner waits on). */
  whenExited(): Promise<void> {
    return this.#exited;
  }

  launch(): void {
    const started = Date.now();
    // Own process group: a Ctrl-C in the terminal reaches only `turnover up`, which then stops
    // the children in order (a child would otherwise take the runner's SIGTERM as a second
    // signal and skip its graceful stop). TURNOVER_SUPERVISOR_PID lets a child notice that
    // the runner died without stopping it (see src/cli/main.ts).
    const child = spawn(process.execPath, this.spec.args as string[], {
      env: { ...this.spec.env, TURNOVER_SUPERVISOR_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.#process = child;
    this.#log.write(`\n--- ${new Date().toISOString()} start: ${this.spec.name} (pid ${child.pid})\n`);
    child.stdout?.on('data', (chunk: Buffer) => this.#capture(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#capture(chunk));
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#onExit(code, signal, Date.now() - started);
        resolve();
      });
    });
  }

  async stop(graceMs: number): Promise<void> {
    const child = this.#process;
    if (!child || !this.running) return;
    await stopChild(child, this.#exited, graceMs, () =>
      this.#logger.warn({ child: this.spec.name }, `${this.spec.name} did not stop within ${graceMs / 1000}s; killing it`),
    );
  }

  #capture(chunk: Buffer): void {
    this.#log.write(chunk);
    this.#tail.push(chunk);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null, ranMs: number): void {
    const exit: ChildExit = { name: this.spec.name, code, signal, lastLines: this.#tail.lines() };
    this.#log.write(`--- ${new Date().toISOString()} exit: code ${code} signal ${signal}\n`);
    this.#lastExit = exit;
    if (this.spec.restart === 'never') {
      this.#log.end();
      return;
    }
    if (this.#hooks.stopping()) return;
    if (!isRetriableExit(code)) {
      this.#hooks.fatal(exit);
      return;
    }
    if (ranMs > HEALTHY_RUN_MS) this.#restarts.reset();
    const delay = this.#restarts.next();
    this.#logger.warn(
      { child: this.spec.name, code, signal, restartInMs: delay },
      `${this.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s. Last lines:\n${exit.lastLines.map((l) => `    ${l}`).join('\n')}`,
    );
    setTimeout(() => {
      if (!this.#hooks.stopping()) this.launch();
    }, delay).unref();
  }
}
