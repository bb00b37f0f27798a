import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAdmin, type KafkaConfig } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir } from '../../src/paths.js';
import { probePolicy } from '../../src/retry/index.js';
import { newClusterId } from '../../src/stack/kafka-broker.js';
import { ensureKafkaJars } from '../../src/setup/kafka-jars.js';
import { javaBinary } from '../../src/setup/prerequisites.js';
import { run } from '../../src/process/run-command.js';
import { freePort } from './ingest-harness.js';

/**
 * A throwaway single-node Kafka 4.1.2 with a SASL_SSL listener, as managed
 * Kafka services run it: SCRAM-SHA-512 users created at format time
 * (`StorageTool format --add-scram`), PLAIN users in the listener's JAAS
 * config, and a broker certificate signed by a CA made here with openssl.
 */
export interface SecureBroker {
  readonly address: string;
  readonly caFile: string;
  readonly users: { readonly scram: { name: string; password: string }; readonly plain: { name: string; password: string } };
  stop(): Promise<void>;
}

export async function startSecureBroker(dir: string): Promise<SecureBroker> {
  mkdirSync(dir, { recursive: true });
  const caFile = await makeCertificates(dir);
  const [port, internalPort, controllerPort] = [await freePort(), await freePort(), await freePort()];
  const users = { scram: { name: 'ingest-scram', password: 'scram-secret-1' }, plain: { name: 'ingest-plain', password: 'plain-secret-2' } };
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `listeners=SASL_SSL://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort}`,
      'listener.security.protocol.map=SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=INTERNAL',
      `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `log.dirs=${join(dir, 'data')}`,
      'sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${users.plain.name}="${users.plain.password}";`,
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${join(dir, 'broker.pem')}`,
      'ssl.client.auth=none',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      '',
    ].join('\n'),
  );
  const jars = await ensureKafkaJars(defaultCacheDir(), silentLogger(), process.env);
  const java = javaBinary(process.env);
  const format = await run(java, [
    '-cp', `${jars}/*`, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', newClusterId(), '-c', properties,
    '--add-scram', `SCRAM-SHA-512=[name=${users.scram.name},password=${users.scram.password}]`,
  ]);
  if (format.code !== 0) throw new Error(`StorageTool format failed: ${format.stderr || format.stdout}`);

  const log = openSync(join(dir, 'kafka.log'), 'a');
  const child: ChildProcess = spawn(java, ['-Xmx256m', '-cp', `${jars}/*`, 'kafka.Kafka', properties], { stdio: ['ignore', log, log], cwd: dir });
  closeSync(log);
  const address = `127.0.0.1:${port}`;
  const broker: SecureBroker = {
    address,
    caFile,
    users,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  const config: KafkaConfig = { brokers: [address], clientId: 'secure-test', securityProtocol: 'SASL_SSL', sasl: { mechanism: 'scram-sha-512', username: users.scram.name, password: users.scram.password }, sslCa: readFileSync(caFile, 'utf8') };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`secure broker exited: ${readFileSync(join(dir, 'kafka.log'), 'utf8').slice(-2000)}`);
    const admin = createAdmin(config, silentLogger(), { policy: probePolicy, connectionTimeoutMs: 2_000, requestTimeoutMs: 3_000 });
    const ready = await admin.describeCluster().then(() => true, () => false);
    await admin.close().catch(() => undefined);
    if (ready) return broker;
    if (Date.now() > deadline) {
      await broker.stop();
      throw new Error(`secure broker not ready: ${readFileSync(join(dir, 'kafka.log'), 'utf8').slice(-2000)}`);
    }
    await sleep(500);
  }
}

/** A CA, and a broker key + certificate (SAN 127.0.0.1 and localhost) signed by it; returns the CA's PEM path. */
async function makeCertificates(dir: string): Promise<string> {
  const at = (f: string) => join(dir, f);
  const steps: string[][] = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=turnover-test-ca', '-keyout', at('ca.key'), '-out', at('ca.pem')],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', at('broker.rsa.key'), '-out', at('broker.csr')],
    ['x509', '-req', '-in', at('broker.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', at('san.cnf'), '-out', at('broker.crt')],
    ['pkcs8', '-topk8', '-nocrypt', '-in', at('broker.rsa.key'), '-out', at('broker.key')],
  ];
  writeFileSync(at('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const args of steps) {
    const result = await run('openssl', args);
    if (result.code !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
  }
  // Kafka's PEM keystore: the PKCS#8 private key followed by the certificate chain
  writeFileSync(at('broker.pem'), readFileSync(at('broker.key'), 'utf8') + readFileSync(at('broker.crt'), 'utf8') + readFileSync(at('ca.pem'), 'utf8'));
  return at('ca.pem');
}
