import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { track } from '../support/child-processes.js';
import { CLI } from '../support/cli.js';

/**
 * A pipeline process kept running the way production keeps it: what an
 * operator's systemd unit does. A long-running command (`ingest`, `load-stg`)
 * is started again a moment after it died (Restart=always); a batch command
 * (`build-marts`) runs again a fixed interval after each run ended (a timer
 * unit). Every run is an incarnation with its own log file and its exit
 * recorded, with who ended it: the chaos harness (SIGKILL), the final stop
 * (SIGTERM), or nobody (an unexpected exit, which the chaos run reports as a
 * failure: a stage must survive the faults by itself, not by being restarted).
 */

export type ExitCause = 'chaos' | 'stop' | 'done' | 'unexpected';

export interface Incarnation {
  readonly service: string;
  readonly number: number;
  readonly pid: number;
  readonly startedAt: number;
  readonly logFile: string;
  endedAt?: number;
  code?: number | null;
  signal?: NodeJS.Signals | null;
  cause?: ExitCause;
}

export type RestartMode =
  /** Started again `restartDelayMs` after any exit. */
  | { readonly kind: 'continuous'; readonly restartDelayMs: number }
  /** Run again `intervalMs` after each run ended; a run that exits 0 is done. */
  | { readonly kind: 'timer'; readonly intervalMs: number };

export interface ServiceSpec {
  readonly name: string;
  /** Arguments of the `turnover` CLI. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly logDir: string;
  readonly mode: RestartMode;
}

export class Service {
  readonly incarnations: Incarnation[] = [];
  readonly #spec: ServiceSpec;
  #child: ChildProcess | undefined;
  #exited: Promise<Incarnation> | undefined;
  #killedByChaos = false;
  #stopping = false;
  #pending: NodeJS.Timeout | undefined;
  #startWaiters: ((incarnation: Incarnation) => void)[] = [];

  constructor(spec: ServiceSpec) {
    this.#spec = spec;
  }

  get name(): string {
    return this.#spec.name;
  }

  /** The incarnation running now, if any. */
  get running(): Incarnation | undefined {
    const last = this.incarnations.at(-1);
    return last && last.endedAt === undefined ? last : undefined;
  }

  start(): void {
    this.#stopping = false;
    this.#spawn();
  }

  /** Resolves with the next incarnation to start (or the running one when `orRunning`). */
  nextStart(orRunning = false): Promise<Incarnation> {
    const running = this.running;
    if (orRunning && running) return Promise.resolve(running);
    return new Promise((resolve) => this.#startWaiters.push(resolve));
  }

  /** SIGKILL of the running incarnation, as a crash; the restart mode brings the service back. */
  async kill(): Promise<Incarnation | undefined> {
    const running = this.running;
    if (!running || !this.#child) return undefined;
    this.#killedByChaos = true;
    this.#child.kill('SIGKILL');
    return this.#exited;
  }

  /** SIGSTOP / SIGCONT of the running incarnation (a zombie and its wake-up). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): Incarnation {
    const running = this.running;
    if (!running || !this.#child) throw new Error(`${this.name} is not running`);
    this.#child.kill(signal);
    return running;
  }

  /**
   * The final stop, as `systemctl stop`: no restart; a long-running process
   * gets SIGTERM, a timer's run in flight is let finish (stopping a timer
   * unit stops the next runs, not the current one). Resolves with the last
   * incarnation's exit (undefined when nothing ran: a timer between runs);
   * SIGKILL after `timeoutMs`.
   */
  async stop(timeoutMs = 60_000): Promise<Incarnation | undefined> {
    this.#stopping = true;
    clearTimeout(this.#pending);
    if (!this.running || !this.#child) return undefined;
    const child = this.#child;
    if (this.#spec.mode.kind === 'continuous') child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #spawn(): void {
    const number = this.incarnations.length + 1;
    const logFile = join(this.#spec.logDir, `${this.name}.${number}.log`);
    const log = openSync(logFile, 'a');
    const child = track(spawn(process.execPath, [CLI, ...this.#spec.args], { env: { ...process.env, ...this.#spec.env }, stdio: ['ignore', log, log] }));
    closeSync(log);
    if (child.pid === undefined) throw new Error(`could not start ${this.name}`);
    const incarnation: Incarnation = { service: this.name, number, pid: child.pid, startedAt: Date.now(), logFile };
    this.incarnations.push(incarnation);
    this.#child = child;
    this.#killedByChaos = false;
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        incarnation.endedAt = Date.now();
        incarnation.code = code;
        incarnation.signal = signal;
        incarnation.cause = this.#causeOf(code);
        if (!this.#stopping) this.#scheduleNext();
        resolve(incarnation);
      });
    });
    for (const resolve of this.#startWaiters.splice(0)) resolve(incarnation);
  }

  #causeOf(code: number | null): ExitCause {
    if (this.#killedByChaos) return 'chaos';
    if (this.#stopping) return 'stop';
    return this.#spec.mode.kind === 'timer' && code === 0 ? 'done' : 'unexpected';
  }

  #scheduleNext(): void {
    const mode = this.#spec.mode;
    const delay = mode.kind === 'continuous' ? mode.restartDelayMs : mode.intervalMs;
    this.#pending = setTimeout(() => {
      if (!this.#stopping) this.#spawn();
    }, delay);
  }
}
