import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickValues, SECRET_NAMES } from '../../src/command/edge-values.js';
import { parseOptions } from '../../src/command/option-values.js';
import { INGEST_OPTIONS } from '../../src/ingest/command.js';
import { ingestConfigFrom } from '../../src/ingest/options.js';
import { artifactName, sparkJarList } from '../../src/setup/spark-jars.js';
import { jobEnvironment, submitArguments } from '../../src/ingest/engines/spark/spark-env.js';
import { sparkLaunchConfigFrom } from '../../src/ingest/engines/spark/spark-options.js';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';

/** How `turnover ingest --engine spark` maps its settings onto spark-submit (no Spark needed). */
describe('spark launch settings', () => {
  const ingest = ingestConfigFrom(
    parseOptions(INGEST_OPTIONS, { topic: 'feed', group: 'g', brokers: 'k1:9093,k2:9093', saslMechanism: 'scram-sha-512', saslUsername: 'svc', stagingUrl: 'postgres://u:secret@db:5432/landing', progressInterval: 5 }),
    pickValues({ TURNOVER_KAFKA_SASL_PASSWORD: 's3cret-pass' }, SECRET_NAMES),
  );

  it('keeps secrets out of the command line and hands them to the job through its environment', () => {
    const config = sparkLaunchConfigFrom(ingest, { master: 'local[2]', conf: ['spark.driver.memory=2g'] });
    const args = submitArguments(config, ['/c/a.jar', '/c/b.jar'], '/p/spark/ingest_job.py');
    assert.ok(!args.join(' ').includes('s3cret-pass') && !args.join(' ').includes('secret@'), args.join(' '));
    const env = jobEnvironment(config, '/venv', { PATH: '/bin', SPARK_HOME: '/opt/other-spark', TURNOVER_KAFKA_SASL_PASSWORD: 'stale' }, 42, { incarnation: 3, topicId: 'kqR3JD1cQFKj6J2Y7wR8Xw' });
    assert.equal(env.TURNOVER_KAFKA_SASL_PASSWORD, 's3cret-pass');
    assert.equal(env.TURNOVER_KAFKA_SASL_MECHANISM, 'scram-sha-512');
    assert.equal(env.TURNOVER_KAFKA_SECURITY_PROTOCOL, 'SASL_SSL');
    assert.equal(env.TURNOVER_KAFKA_BROKERS, 'k1:9093,k2:9093');
    assert.equal(env.TURNOVER_LANDING_URL, 'postgres://u:secret@db:5432/landing');
    assert.equal(env.TURNOVER_STAGING_URL, 'postgres://u:secret@db:5432/landing', 'the old name, for jobs written against it');
    assert.equal(env.SPARK_HOME, undefined, 'another Spark installation must not be picked up');
    assert.equal(env.PYSPARK_PYTHON, '/venv/bin/python');
    assert.equal(env.SPARK_LOCAL_IP, '127.0.0.1');
    assert.equal(env.TURNOVER_SPARK_LAUNCHER_PID, '42');
    assert.equal(env.TURNOVER_INGEST_INCARNATION, '3', 'the incarnation the launcher checked');
    assert.equal(env.TURNOVER_KAFKA_TOPIC_ID, 'kqR3JD1cQFKj6J2Y7wR8Xw');
  });

  it('passes the master through, binds a local driver to the loopback, and lets --conf win', () => {
    const local = submitArguments(sparkLaunchConfigFrom(ingest, { master: 'local[2]', conf: ['spark.ui.enabled=true', 'spark.jars=/extra.jar'] }), ['/c/a.jar'], 'job.py');
    assert.deepEqual(local.slice(0, 2), ['--master', 'local[2]']);
    const confs = local.flatMap((a, i) => (local[i - 1] === '--conf' ? [a] : []));
    assert.ok(confs.includes('spark.driver.bindAddress=127.0.0.1') && confs.includes('spark.driver.host=127.0.0.1'));
    assert.ok(confs.indexOf('spark.ui.enabled=true') > confs.indexOf('spark.ui.enabled=false'), 'the user\'s setting comes later and wins');
    assert.ok(confs.includes('spark.jars=/c/a.jar,/extra.jar'));
    assert.equal(local[local.length - 1], 'job.py');

    const cluster = submitArguments(sparkLaunchConfigFrom(ingest, { master: 'spark://head:7077' }), [], 'job.py');
    assert.deepEqual(cluster.slice(0, 2), ['--master', 'spark://head:7077']);
    assert.ok(!cluster.some((a) => a.startsWith('spark.driver.bindAddress')), 'a cluster driver must stay reachable');
    assert.equal(jobEnvironment(sparkLaunchConfigFrom(ingest, { master: 'yarn' }), '/v', {}, 1, { incarnation: 0, topicId: null }).SPARK_LOCAL_IP, undefined);
  });

  it('--conf takes key=value only', () => {
    assert.deepEqual(parseOptions(INGEST_OPTIONS, { conf: ['x=1', 'a=b=c'] }).conf, ['x=1', 'a=b=c']);
    assert.throws(() => parseOptions(INGEST_OPTIONS, { conf: ['novalue'] }), (e: unknown) => e instanceof UsageError && e.message === '--conf expects key=value, got "novalue"');
  });

  it('spark.jars leaves out every artifact PySpark already ships', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spark-jars-'));
    try {
      mkdirSync(join(dir, 'ours'));
      mkdirSync(join(dir, 'pyspark'));
      for (const jar of ['spark-sql-kafka-0-10_2.13-4.2.0.jar', 'kafka-clients-3.9.2.jar', 'scala-library-2.13.15.jar', 'lz4-java-1.10.1.jar', 'commons-pool2-2.13.1.jar']) writeFileSync(join(dir, 'ours', jar), '');
      for (const jar of ['scala-library-2.13.18.jar', 'lz4-java-1.11.0.jar', 'commons-pool-1.5.4.jar', 'spark-sql_2.13-4.2.0.jar']) writeFileSync(join(dir, 'pyspark', jar), '');
      const names = sparkJarList(join(dir, 'ours'), join(dir, 'pyspark')).map((p) => p.slice(p.lastIndexOf('/') + 1));
      assert.deepEqual(names, ['commons-pool2-2.13.1.jar', 'kafka-clients-3.9.2.jar', 'spark-sql-kafka-0-10_2.13-4.2.0.jar']);
      assert.equal(artifactName('zstd-jni-1.5.7-7.jar'), 'zstd-jni');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
