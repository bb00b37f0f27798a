import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Handler } from '../command/command-spec.js';
import { NO_VALUES, type Secrets } from '../command/edge-values.js';
import { BI_WAREHOUSE_URL_ENV, FORMER_LANDING_URL_ENV, LANDING_URL_ENV } from '../command/shared-options.js';
import { ConfigError, describeError, TurnoverError } from '../errors.js';
import type { KafkaConfig } from '../kafka/index.js';
import { kafkaConfigFrom } from '../kafka/kafka-config.js';
import type { Logger } from '../log/logger.js';
import { PACKAGE_ROOT } from '../paths.js';
import { childEnv as processEnv } from '../process/child-env.js';
import { PidFile } from '../process/pid-file.js';
import { assertPortFree, freePort } from '../process/ports.js';
import { Backoff, isRetriable, isRetriableExit, restartPolicy } from '../retry/index.js';
import { LocalStack, resolveStackSettings, stackEnv } from '../stack/index.js';
import { BackfillPlan } from './backfill.js';
import { ensureTopic, topicMessages } from './feed-topic.js';
import { martLoop } from './mart-loop.js';
import { startSuperset } from './superset.js';
import { liveLine } from '../log/live-line.js';
import type { UpOptions } from './command.js';
import { upConfigFrom, type UpConfig } from './options.js';
import { statusLine, StatusReader, type PipelineStatus } from './status.js';
import { Supervisor, type ChildExit } from './supervisor.js';

const CLI = join(PACKAGE_ROOT, 'bin', 'turnover.js');
/** Stop order: the feed first, then each stage after the one that feeds it. */
const STOP_ORDER = ['generate-tail', 'generate-backfill', 'ingest', 'load-stg', 'build-marts', 'dashboard'];

/**
 * Refuses a second `turnover up` on the same state dir (two runners would
 * race on one stack). The pid in `up.pid` counts only while its command line
 * is a `turnover … up`: a pid reused by another program after a crash does
 * not block the next start.
 */
function lockRunner(dir: string): () => void {
  const pidFile = new PidFile(join(dir, 'up.pid'), ['turnover', ' up']);
  const pid = pidFile.ours();
  if (pid !== undefined && pid !== process.pid) throw new ConfigError(`turnover up is already running on this state dir (pid ${pid})`);
  pidFile.write(process.pid);
  return () => pidFile.remove();
}

function failure(exit: ChildExit): TurnoverError {
  const last = exit.lastLines.filter((l) => l.includes('turnover:')).pop() ?? exit.lastLines.at(-1) ?? `exit ${exit.code}`;
  return new ConfigError(`${exit.name} stopped with a configuration error: ${last.replace(/^turnover:\s*/, '')}`);
}

export const up: Handler<UpOptions> = async (input, context) => {
  const { logger, signal, stdout } = context;
  const config = upConfigFrom(input.options);
  // the stack's servers and every stage are children: they start from this process's environment
  const env = processEnv();
  // already running is the first thing to say: its dashboard holds the port the next check would complain about
  const unlock = lockRunner(join(config.stateDir, 'up'));
  if (config.dashboardPort !== 0) {
    try {
      await assertPortFree(config.dashboardPort, 'the dashboard', '--port');
    } catch (error) {
      unlock();
      throw error;
    }
  }
  const settings = await resolveStackSettings({ stateDir: config.stateDir, kafkaPort: input.options.kafkaPort, postgresPort: input.options.postgresPort }, env);
  const stack = new LocalStack(settings, env);
  let stackStarted: string[] = [];
  const supervisor = new Supervisor(join(config.stateDir, 'logs'), logger);
  const stopping = new AbortController();
  let stopSuperset: (() => Promise<void>) | undefined;
  const stopAll = () => stopping.abort();
  signal.addEventListener('abort', stopAll, { once: true });
  try {
    const running = (await stack.status()).healthy;
    stdout.write(running ? 'using the running local stack (Kafka + PostgreSQL)\n' : 'starting the local stack (Kafka + PostgreSQL)…\n');
    stackStarted = await stack.up(logger);
    const local = stackEnv(stack.settings);
    const endpoints = pipelineEndpoints(config, input.options, context.secrets, local);
    const childEnv: NodeJS.ProcessEnv = { ...env, ...endpoints.env, TURNOVER_LOG_FORMAT: 'text', TURNOVER_LOG_LEVEL: env.TURNOVER_LOG_LEVEL ?? 'info' };
    for (const key of endpoints.unset) delete childEnv[key];

    const migrated = await supervisor.runOnce({ name: 'migrate', args: [CLI, 'migrate'], env: childEnv });
    if (migrated.code !== 0) throw failure(migrated);
    if (config.generator) await ensureTopic(endpoints.kafka, endpoints.topic, config.partitions, logger);

    supervisor.start({ name: 'ingest', args: [CLI, 'ingest', '--progress-interval', '30'], env: childEnv, restart: 'always' });
    supervisor.start({ name: 'load-stg', args: [CLI, 'load-stg', '--poll-interval', '1'], env: childEnv, restart: 'always' });
    // port 0: chosen now that the stack holds its own ports, so the two cannot collide
    const dashboardPort = config.dashboardPort === 0 ? await freePort() : config.dashboardPort;
    supervisor.start({ name: 'dashboard', args: [CLI, 'dashboard', '--port', String(dashboardPort), '--refresh', '10'], env: childEnv, restart: 'always' });
    const dashboardUrl = `http://127.0.0.1:${dashboardPort}/`;
    // A child exiting with a configuration error stops the whole run with its one line.
    let fatalExit: ChildExit | undefined;
    const onFatal = (exit: ChildExit) => {
      fatalExit ??= exit;
      stopAll();
    };
    void supervisor.fatal.then(onFatal);

    const superset = config.withSuperset
      ? startSuperset({ stateDir: config.stateDir, warehouseUrl: local[BI_WAREHOUSE_URL_ENV]!, logger, signal: stopping.signal, stdout })
          .then((stop) => {
            stopSuperset = stop;
          })
          .catch((error: unknown) => logger.error({ err: (error as Error).message }, `Superset did not come up: ${(error as Error).message}`))
      : Promise.resolve();

    // A loop that fails stops the whole run with its error; handled at once, so it can never be an unhandled rejection.
    let loopFailure: unknown;
    const loops = [
      superset,
      martLoop({ supervisor, args: [CLI, 'build-marts'], env: childEnv, intervalMs: config.martIntervalMs, signal: stopping.signal, logger, onFatal }),
      config.generator ? runFeed(config, endpoints, supervisor, childEnv, stopping.signal, logger, onFatal) : Promise.resolve(),
    ].map((loop) =>
      loop.catch((error: unknown) => {
        loopFailure ??= error;
        stopAll();
      }),
    );

    stdout.write(`\nturnover is running — dashboard: ${dashboardUrl}\n`);
    stdout.write(`child logs: ${join(config.stateDir, 'logs')}/<name>.log · Ctrl-C stops everything\n\n`);
    await reportStatus(endpoints, dashboardUrl, stopping.signal, stdout, logger);
    await Promise.all(loops);
    if (fatalExit) throw failure(fatalExit);
    if (loopFailure !== undefined) throw loopFailure;
  } finally {
    signal.removeEventListener('abort', stopAll);
    stdout.write('\nstopping: generator, ingester, STG loader, mart builder, dashboard…\n');
    await supervisor.stopAll(STOP_ORDER);
    await stopSuperset?.();
    if (stackStarted.length > 0 && !config.keepStack) {
      await stack.down(logger);
      stdout.write(`stopped the local stack (started by this run; --keep-stack keeps it)\n`);
    }
    unlock();
  }
  stdout.write('stopped cleanly; `npm start` (or `turnover up`) resumes where this run stopped\n');
};

interface Endpoints {
  readonly env: Record<string, string>;
  /** Variables removed from the children's environment. */
  readonly unset: readonly string[];
  readonly kafka: KafkaConfig;
  readonly topic: string;
  readonly group: string;
  readonly stagingUrl: string;
  readonly warehouseUrl: string;
}

/**
 * The local stack's endpoints, except that `--no-generator` ingests the
 * external feed named by TURNOVER_KAFKA_* (the Kafka options, read like every
 * Kafka command reads them) when its brokers are set.
 */
function pipelineEndpoints(config: UpConfig, options: UpOptions, secrets: Secrets, local: Record<string, string>): Endpoints {
  const external = !config.generator && Boolean(options.brokers);
  const brokers = external && options.brokers ? options.brokers : local.TURNOVER_KAFKA_BROKERS!;
  const { topic, group } = options;
  const { saslMechanism, saslUsername, sslCa, securityProtocol, clientId } = options;
  const kafka = kafkaConfigFrom(external ? { brokers, saslMechanism, saslUsername, sslCa, securityProtocol } : { brokers }, external ? secrets : NO_VALUES);
  // the external feed's settings as the runner read them (its env, or a flag), for the stages to read the same
  const feedSettings = Object.entries({
    TURNOVER_KAFKA_SASL_MECHANISM: saslMechanism,
    TURNOVER_KAFKA_SASL_USERNAME: saslUsername,
    TURNOVER_KAFKA_SSL_CA: sslCa,
    TURNOVER_KAFKA_SECURITY_PROTOCOL: securityProtocol,
    TURNOVER_KAFKA_CLIENT_ID: clientId,
  }).filter((entry): entry is [string, string] => external && entry[1] !== undefined);
  const stagingUrl = local[LANDING_URL_ENV]!;
  const warehouseUrl = local.TURNOVER_WAREHOUSE_URL!;
  const childEnv: Record<string, string> = {
    ...Object.fromEntries(feedSettings),
    TURNOVER_KAFKA_BROKERS: brokers,
    TURNOVER_KAFKA_TOPIC: topic,
    TURNOVER_KAFKA_GROUP: group,
    // both names: a child reads the new one first, so a user's own TURNOVER_LANDING_URL must not win over the stack's
    [LANDING_URL_ENV]: stagingUrl,
    [FORMER_LANDING_URL_ENV]: stagingUrl,
    TURNOVER_WAREHOUSE_URL: warehouseUrl,
    TURNOVER_STATE_DIR: local.TURNOVER_STATE_DIR!,
  };
  // the local broker is PLAINTEXT: a user's managed-Kafka settings must not leak into it
  const unset = external ? [] : ['TURNOVER_KAFKA_SASL_MECHANISM', 'TURNOVER_KAFKA_SASL_USERNAME', 'TURNOVER_KAFKA_SASL_PASSWORD', 'TURNOVER_KAFKA_SSL_CA', 'TURNOVER_KAFKA_SECURITY_PROTOCOL'];
  return { env: childEnv, unset, kafka, topic, group, stagingUrl, warehouseUrl };
}

/** Messages a `generate --json` run sent, from its summary line. */
function sentMessages(exit: ChildExit): number | undefined {
  const line = [...exit.lastLines].reverse().find((l) => l.startsWith('{'));
  try {
    return line ? (JSON.parse(line) as { messages: number }).messages : undefined;
  } catch {
    return undefined;
  }
}

/** The backfill (each day once per state dir), then the live tail. */
async function runFeed(config: UpConfig, endpoints: Endpoints, supervisor: Supervisor, env: NodeJS.ProcessEnv, signal: AbortSignal, logger: Logger, onFatal: (exit: ChildExit) => void): Promise<void> {
  const { kafka, topic } = endpoints;
  const today = new Date().toISOString().slice(0, 10);
  const plan = BackfillPlan.open(join(config.stateDir, 'up', 'backfill.json'), {
    days: config.backfillDays,
    seed: config.seed,
    transactionsPerDay: config.transactionsPerDay,
    ...(config.scenarios ? { scenarios: config.scenarios } : {}),
    today,
  });
  const pending = plan.pendingDays();
  if (pending.length > 0) logger.info({ days: pending.length, from: pending[0], to: pending.at(-1) }, 'backfilling generated history');
  const scenarioArgs = plan.state.scenarios.flatMap((s) => ['--scenario', s]);
  // Kafka away, the generator killed: the day resumes after what it sent, once restartPolicy's back-off is over.
  const failures = new Backoff(restartPolicy);
  const waitAfterFailure = async (fields: Record<string, unknown>, message: string): Promise<void> => {
    const retryInMs = failures.next();
    logger.warn({ ...fields, retryInMs }, message);
    await sleep(retryInMs, undefined, { signal }).catch(() => undefined);
  };
  for (let i = 0; i < pending.length && !signal.aborted; ) {
    const day = pending[i]!;
    let sentBefore: number;
    try {
      sentBefore = await topicMessages(kafka, topic, logger);
    } catch (error) {
      if (!isRetriable(error)) throw error;
      await waitAfterFailure({ day }, `cannot count what the backfill of ${day} already sent (${describeError(error)}); trying again`);
      continue;
    }
    const skip = plan.alreadySent(sentBefore);
    if (skip > 0) logger.info({ day, skip }, 'resuming the interrupted backfill day after the messages it already sent');
    const exit = await supervisor.runOnce({
      name: 'generate-backfill',
      args: [
        CLI, 'generate', '--from', day, '--to', day, '--seed', String(plan.state.seed), '--transactions-per-day', String(plan.state.transactionsPerDay),
        '--partitions', String(config.partitions), '--skip-messages', String(skip), '--json', ...scenarioArgs,
      ],
      env,
    });
    if (signal.aborted) return;
    const sent = sentMessages(exit);
    if (exit.code === 0 && sent !== undefined) {
      plan.markDone(day, skip + sent);
      i += 1;
      failures.reset();
      continue;
    }
    if (!isRetriableExit(exit.code)) {
      onFatal(exit);
      return;
    }
    await waitAfterFailure(
      { day, code: exit.code, signal: exit.signal },
      `backfill of ${day} stopped; resuming it. Last lines:\n${exit.lastLines.map((l) => `    ${l}`).join('\n')}`,
    );
  }
  if (config.rate > 0 && !signal.aborted) {
    // A fresh seed per start: the same seed would replay the same operation ids with new timestamps.
    const seed = config.seed + Math.floor(Date.now() / 1000);
    logger.info({ rate: config.rate }, 'live tail started');
    supervisor.start({ name: 'generate-tail', args: [CLI, 'generate', '--rate', String(config.rate), '--seed', String(seed), '--partitions', String(config.partitions)], env, restart: 'always' });
  }
}

/** The one-line live status until stopped: rewritten in place on a terminal, every 30 s in a log. */
async function reportStatus(endpoints: Endpoints, dashboardUrl: string, signal: AbortSignal, stdout: NodeJS.WritableStream, logger: Logger): Promise<void> {
  const reader = await StatusReader.open(endpoints, logger);
  const tty = stdout === process.stdout && liveLine.isLive;
  const everyMs = tty ? 2_000 : 30_000;
  let previous: { status: PipelineStatus; at: number } | undefined;
  try {
    while (!signal.aborted) {
      const status = await reader.read();
      const now = Date.now();
      const line = statusLine(status, previous?.status, previous ? (now - previous.at) / 1000 : 0, dashboardUrl);
      if (tty) liveLine.set(line);
      else stdout.write(`${line}\n`);
      previous = { status, at: now };
      await sleep(everyMs, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    liveLine.done();
    await reader.close();
  }
}
