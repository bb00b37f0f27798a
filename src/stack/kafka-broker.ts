import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors.js';
import { createAdmin } from '../kafka/index.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { waitHealthy } from '../process/health.js';
import { PidFile } from '../process/pid-file.js';
import { isAlive } from '../process/process-state.js';
import { run } from '../process/run-command.js';
import { stopPid } from '../process/stop.js';
import { probePolicy } from '../retry/index.js';
import { javaBinary } from '../setup/prerequisites.js';

export interface KafkaBrokerOptions {
  readonly dir: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly heap: string;
  readonly jarsDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Set for a node of a multi-node cluster; absent = the local stack's single node. */
  readonly quorum?: KraftQuorum;
}

/**
 * What a node of a multi-node KRaft cluster shares with the others: every
 * node is broker + controller, the voters are fixed in the configuration
 * (a static quorum: formatted without --standalone, nothing to bootstrap),
 * and replication is the cluster's, not a single node's.
 */
export interface KraftQuorum {
  readonly nodeId: number;
  /** Every node's id and controller port, this node's included. */
  readonly voters: readonly { readonly nodeId: number; readonly controllerPort: number }[];
  /** The one cluster id every node's storage is formatted with. */
  readonly clusterId: string;
  /** Replicas of internal topics and of topics created without a factor. */
  readonly replicationFactor: number;
  /** Replicas that must have a write before acks=all answers (internal topics included). */
  readonly minInsyncReplicas: number;
}

/** A KRaft broker (broker + controller in one JVM) run from the cached jars: the stack's single node, or one node of a cluster. */
export class KafkaBroker {
  readonly #o: KafkaBrokerOptions;

  constructor(options: KafkaBrokerOptions) {
    this.#o = options;
  }

  get address(): string {
    return `127.0.0.1:${this.#o.port}`;
  }

  get logFile(): string {
    return join(this.#o.dir, 'kafka.log');
  }

  get #pidFile(): PidFile {
    return new PidFile(join(this.#o.dir, 'kafka.pid'), ['kafka.Kafka', this.#o.dir]);
  }

  /** The broker's pid when it is our running broker, else undefined. */
  pid(): number | undefined {
    return this.#pidFile.ours();
  }

  /** True when the broker answers a metadata request (TCP accept alone is not enough). */
  async healthy(timeoutMs = 3_000): Promise<boolean> {
    const admin = createAdmin(
      { brokers: [this.address], clientId: 'turnover-stack', securityProtocol: 'PLAINTEXT' },
      silentLogger(),
      { connectionTimeoutMs: Math.min(timeoutMs, 3_000), requestTimeoutMs: timeoutMs, policy: probePolicy },
    );
    try {
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    } catch {
      return false;
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  async start(logger: Logger, timeoutMs = 90_000): Promise<void> {
    mkdirSync(this.#o.dir, { recursive: true });
    const properties = join(this.#o.dir, 'server.properties');
    writeFileSync(properties, this.#serverProperties());
    writeFileSync(join(this.#o.dir, 'log4j2.xml'), LOG4J2_XML);
    await this.#formatOnce(properties);

    const log = openSync(this.logFile, 'a');
    const child = spawn(
      javaBinary(this.#o.env),
      [
        `-Xmx${this.#o.heap}`,
        `-Xms${this.#o.heap}`,
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(this.#o.dir, 'log4j2.xml')}`,
        `-Dkafka.logs.dir=${this.#o.dir}`,
        '-cp',
        `${this.#o.jarsDir}/*`,
        'kafka.Kafka',
        properties,
      ],
      { detached: true, stdio: ['ignore', log, log], env: this.#o.env, cwd: this.#o.dir },
    );
    closeSync(log);
    if (child.pid === undefined) throw new StackError(`could not start java for Kafka; log: ${this.logFile}`);
    this.#pidFile.write(child.pid);
    child.unref();
    logger.info({ pid: child.pid, address: this.address, nodeId: this.#o.quorum?.nodeId ?? 1 }, 'Kafka broker starting');

    const pid = child.pid;
    await waitHealthy({ what: 'Kafka broker', logFile: this.logFile, alive: () => isAlive(pid), healthy: () => this.healthy(), timeoutMs });
  }

  /** SIGTERM lets the broker flush and close its logs (a few seconds); SIGKILL only as a last resort. */
  async stop(logger: Logger, timeoutMs = 60_000): Promise<boolean> {
    const pidFile = this.#pidFile;
    const pid = pidFile.ours();
    if (pid !== undefined) await stopPid(pid, { graceMs: timeoutMs, onKill: () => logger.warn({ pid }, 'Kafka broker did not stop in time; killing it') });
    pidFile.remove();
    return pid !== undefined;
  }

  /** Storage is formatted once per state dir; the cluster id is kept beside it. */
  async #formatOnce(properties: string): Promise<void> {
    const dataDir = join(this.#o.dir, 'data');
    if (existsSync(join(dataDir, 'meta.properties'))) return;
    const clusterId = this.#o.quorum?.clusterId ?? newClusterId();
    // a single node bootstraps a dynamic quorum of itself; a cluster's voters are in server.properties
    const quorumFlags = this.#o.quorum ? [] : ['--standalone'];
    const result = await run(
      javaBinary(this.#o.env),
      ['-cp', `${this.#o.jarsDir}/*`, `-Dlog4j2.configurationFile=${join(this.#o.dir, 'log4j2.xml')}`, 'kafka.tools.StorageTool', 'format', ...quorumFlags, '-t', clusterId, '-c', properties],
      { env: this.#o.env },
    );
    if (result.code !== 0) {
      throw new StackError(`formatting Kafka storage failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join(' | ')}`);
    }
    writeFileSync(join(this.#o.dir, 'cluster-id'), `${clusterId}\n`);
  }

  #serverProperties(): string {
    const { port, controllerPort, dir, quorum } = this.#o;
    // a single node: every internal topic must fit on one replica or it is never created
    const replicas = quorum?.replicationFactor ?? 1;
    const minIsr = quorum?.minInsyncReplicas ?? 1;
    const voters = quorum?.voters.map((v) => `${v.nodeId}@127.0.0.1:${v.controllerPort}`).join(',');
    return [
      '# generated by turnover (src/stack/kafka-broker.ts); edits are overwritten on every start',
      'process.roles=broker,controller',
      `node.id=${quorum?.nodeId ?? 1}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      voters ? `controller.quorum.voters=${voters}` : `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=3',
      'auto.create.topics.enable=true',
      `offsets.topic.replication.factor=${replicas}`,
      'offsets.topic.num.partitions=10',
      `transaction.state.log.replication.factor=${replicas}`,
      `transaction.state.log.min.isr=${minIsr}`,
      `share.coordinator.state.topic.replication.factor=${replicas}`,
      `share.coordinator.state.topic.min.isr=${minIsr}`,
      `min.insync.replicas=${minIsr}`,
      `default.replication.factor=${replicas}`,
      // no 3 s wait on every consumer-group join
      'group.initial.rebalance.delay.ms=0',
      'log.retention.hours=168',
      'log.segment.bytes=268435456',
      'message.max.bytes=4194304',
      '',
    ].join('\n');
  }
}

/**
 * A KRaft cluster id: 16 random bytes, base64url, 22 characters. Like Kafka's
 * own Uuid.randomUuid, never one starting with "-": the storage tool would
 * take it for an option and refuse to format (1 start in 64 otherwise).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

const LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN">
  <Appenders>
    <Console name="stdout" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="org.apache.kafka.controller" level="INFO"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Root level="INFO"><AppenderRef ref="stdout"/></Root>
  </Loggers>
</Configuration>
`;
