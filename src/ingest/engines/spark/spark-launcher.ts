import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandContext } from '../../../command/command-spec.js';
import { ConfigError, ConflictError, OffsetMismatchError, TurnoverError, UnavailableError } from '../../../errors.js';
import { PACKAGE_ROOT, defaultCacheDir } from '../../../paths.js';
import { childEnv } from '../../../process/child-env.js';
import { logEvent, parseEvent, type JobState } from './job-events.js';
import { jobEnvironment, submitArguments } from './spark-env.js';
import { prepareSpark } from '../../../setup/spark-install.js';
import type { SparkIngestHooks, SparkLaunchConfig } from './types.js';

export const INGEST_JOB = join(PACKAGE_ROOT, 'spark', 'ingest_job.py');
const STDERR_TAIL_LINES = 30;

/**
 * `turnover ingest --engine spark`: prepares the cached venv and jars, has
 * the landing's offsets checked against Kafka's log and learns which
 * incarnation of the topic the job lands in (hooks.checkOffsets,
 * src/ingest/spark-offsets.ts: exit 9, or a new incarnation with
 * --on-offset-reset), runs spark-submit on spark/ingest_job.py, turns the
 * job's events into log lines, and on SIGINT/SIGTERM asks the job (its Python
 * driver) to stop gracefully. The job itself holds the exactly-once logic
 * (docs/spark.md). When the job stops because the offsets no longer fit (the
 * topic was recreated while it ran), the check runs again — it stops, or
 * opens the next incarnation and the job is started again in it.
 */
export async function runSparkIngester(config: SparkLaunchConfig, context: Pick<CommandContext, 'logger' | 'signal'>, hooks: SparkIngestHooks): Promise<void> {
  const { logger, signal } = context;
  // spark-submit, the venv's pip and Maven are children: they start from this process's environment
  const env = childEnv();
  const spark = await prepareSpark(defaultCacheDir(env), logger, env);
  let previous: number | undefined;
  for (;;) {
    if (signal.aborted) return;
    const target = await hooks.checkOffsets();
    if (target === undefined) return;
    const code = await runJob(spark.sparkSubmit, submitArguments(config, spark.jars, INGEST_JOB), jobEnvironment(config, spark.venvDir, env, process.pid, target), config, context, hooks);
    if (code.exit === 0) return;
    // the job saw the topic change under it: judge again (the same incarnation again would be a loop, not a reset)
    if (code.state.error?.kind === 'offsets-do-not-fit' && target.incarnation !== previous && !signal.aborted) {
      logger.warn({ incarnation: target.incarnation }, `${code.state.error.message}; checking the landing's offsets again`);
      previous = target.incarnation;
      continue;
    }
    throw jobFailure(code.exit, code.state, code.stderr);
  }
}

interface JobOutcome {
  readonly exit: number;
  readonly state: JobState;
  readonly stderr: readonly string[];
}

async function runJob(
  sparkSubmit: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  config: SparkLaunchConfig,
  context: Pick<CommandContext, 'logger' | 'signal'>,
  hooks: SparkIngestHooks,
): Promise<JobOutcome> {
  const { logger, signal } = context;
  logger.info({ master: config.master }, `launching the Spark job (${config.master})`);
  const child = spawn(sparkSubmit, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const state: JobState = { pid: undefined, landed: 0, error: undefined };
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = parseEvent(line);
    if (event) logEvent(event, state, logger, hooks);
    else if (line.trim()) logger.debug({ line }, 'spark stdout');
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
    logger.trace({ line }, 'spark');
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
  });

  const stop = async (): Promise<void> => {
    logger.info('stopping the Spark job (the batch being written commits or rolls back)');
    // The Python driver handles SIGTERM; before it has said its pid, spark-submit gets it.
    const target = state.pid ?? child.pid;
    if (target) signalProcess(target, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(config.stopTimeoutMs).then(() => false)]);
    if (!done) {
      logger.warn(`the Spark job did not stop within ${config.stopTimeoutMs / 1000}s; killing it`);
      if (state.pid) signalProcess(state.pid, 'SIGKILL');
      if (child.pid) signalProcess(child.pid, 'SIGKILL');
    }
  };
  const onAbort = (): void => void stop();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await exited;
    // stopped on request: the job exits 0; a job killed on the way out is still a requested stop
    return { exit: signal.aborted && exit !== 0 && !state.error ? 0 : exit, state, stderr };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function signalProcess(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The job's own error event when it sent one, else the tail of Spark's stderr. */
function jobFailure(exit: number, state: JobState, stderr: readonly string[]): TurnoverError {
  if (state.error) {
    const { kind, message } = state.error;
    if (kind === 'config') return new ConfigError(message);
    if (kind === 'unavailable') return new UnavailableError(message);
    if (kind === 'gap') return new ConflictError(message);
    if (kind === 'offset-mismatch' || kind === 'offsets-do-not-fit') return new OffsetMismatchError(message);
    return new TurnoverError('INTERNAL', `the Spark job failed: ${message}`);
  }
  const tail = stderr.filter((l) => /error|exception/i.test(l)).slice(-3).join(' | ') || stderr.slice(-3).join(' | ');
  return new TurnoverError('INTERNAL', `the Spark job exited with status ${exit}${tail ? `: ${tail}` : ''}`);
}
