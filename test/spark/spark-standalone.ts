import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir } from '../../src/paths.js';
import { prepareSpark } from '../../src/ingest/engines/spark/index.js';
import { tailFile } from '../../src/process/log-tail.js';
import { commandLineOf } from '../../src/process/process-state.js';
import { waitForExit } from '../../src/process/stop.js';
import { freePort } from '../../src/process/ports.js';
import { track } from '../support/child-processes.js';

const EXECUTOR_CLASS = 'org.apache.spark.executor.CoarseGrainedExecutorBackend';

/**
 * A Spark standalone cluster on loopback: one master and one worker, started
 * with the pinned PySpark venv's own `bin/spark-class` (the wheel ships no
 * sbin scripts), everything bound to 127.0.0.1. The worker launches the
 * executors of an application as its child JVMs, and launches a new one when
 * an executor dies.
 */
export class SparkStandalone {
  readonly #dir: string;
  readonly #master: ChildProcess;
  readonly #worker: ChildProcess;
  readonly #masterUi: number;
  readonly masterUrl: string;

  private constructor(dir: string, master: ChildProcess, worker: ChildProcess, masterUrl: string, masterUi: number) {
    this.#dir = dir;
    this.#master = master;
    this.#worker = worker;
    this.masterUrl = masterUrl;
    this.#masterUi = masterUi;
  }

  /** Starts the master, then the worker, and waits until the master counts the worker alive. */
  static async start(options: { cores: number; memory: string }): Promise<SparkStandalone> {
    const { sparkHome } = await prepareSpark(defaultCacheDir(process.env), silentLogger(), process.env);
    const dir = mkdtempSync(join(tmpdir(), 'turnover-spark-standalone-'));
    chmodSync(dir, 0o755);
    const [port, masterUi, workerUi] = [await freePort(), await freePort(), await freePort()];
    const masterUrl = `spark://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SPARK_HOME: sparkHome,
      SPARK_LOCAL_IP: '127.0.0.1',
      // the daemons' own heaps (1 GB each by default); executors get the worker's --memory
      SPARK_DAEMON_MEMORY: '256m',
    };
    const sparkClass = join(sparkHome, 'bin', 'spark-class');
    const launch = (name: string, args: string[]): ChildProcess => {
      const log = openSync(join(dir, `${name}.log`), 'a');
      // its own process group: the worker's executors belong to it, and go with it on cleanup
      const child = track(spawn(sparkClass, args, { env, stdio: ['ignore', log, log], detached: true, cwd: dir }));
      closeSync(log);
      return child;
    };
    const master = launch('master', ['org.apache.spark.deploy.master.Master', '--host', '127.0.0.1', '--port', String(port), '--webui-port', String(masterUi)]);
    mkdirSync(join(dir, 'work'));
    const worker = launch('worker', [
      'org.apache.spark.deploy.worker.Worker', '--host', '127.0.0.1', '--webui-port', String(workerUi),
      '--cores', String(options.cores), '--memory', options.memory, '--work-dir', join(dir, 'work'), masterUrl,
    ]);
    const cluster = new SparkStandalone(dir, master, worker, masterUrl, masterUi);
    try {
      await cluster.#until('the worker to register with the master', async () => (await cluster.#state())?.aliveworkers === 1, 120_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Pids of the executor JVMs the worker runs now. */
  executors(): number[] {
    return descendants(this.#worker.pid!).filter((pid) => commandLineOf(pid)?.includes(EXECUTOR_CLASS));
  }

  /** Applications the master runs now (a killed driver's is gone once the master noticed). */
  async activeApplications(): Promise<number> {
    return (await this.#state())?.activeapps?.length ?? 0;
  }

  /** Waits for an executor that is none of `old` (the worker launched a new one), returns its pid. */
  async newExecutor(old: readonly number[], timeoutMs = 120_000): Promise<number> {
    let found: number | undefined;
    await this.#until('the worker to launch an executor', async () => {
      found = this.executors().find((pid) => !old.includes(pid));
      return found !== undefined;
    }, timeoutMs);
    return found!;
  }

  /** SIGKILL of one executor JVM, as a lost machine; resolves once it is gone. */
  async killExecutor(pid: number): Promise<void> {
    process.kill(pid, 'SIGKILL');
    if (!(await waitForExit(pid, 10_000))) throw new Error(`executor ${pid} survived SIGKILL`);
  }

  /** Stops the worker (and with it any executor) and the master, then deletes their folders. */
  async stop(): Promise<void> {
    for (const child of [this.#worker, this.#master]) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      await exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** The master's own view (its web UI's JSON): workers, applications. */
  async #state(): Promise<{ aliveworkers?: number; activeapps?: unknown[] } | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.#masterUi}/json/`);
      return response.ok ? ((await response.json()) as { aliveworkers?: number; activeapps?: unknown[] }) : undefined;
    } catch {
      return undefined; // not serving yet
    }
  }

  async #until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      for (const [name, child] of [['master', this.#master], ['worker', this.#worker]] as const) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the Spark ${name} exited; last lines of its log:\n${tailFile(join(this.#dir, `${name}.log`))}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; worker log:\n${tailFile(join(this.#dir, 'worker.log'))}`);
      await sleep(250);
    }
  }
}

/** Every live process below `root` (Linux /proc: parent pids). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

