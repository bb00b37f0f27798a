import { join } from 'node:path';
import { SQL_DIR } from '../../../paths.js';
import type { JobIncarnation, SparkLaunchConfig } from './types.js';

/**
 * The job's environment: the canonical TURNOVER_* variables, resolved from
 * flags and env by the CLI (spark/turnover_spark/config.py reads them), and
 * what makes spark-submit use the venv's Spark and Python. Secrets (the SASL
 * password, a password in the landing URL) travel here, never as arguments:
 * a command line is visible to every user in `ps`, an environment is not.
 */
export function jobEnvironment(config: SparkLaunchConfig, venvDir: string, base: NodeJS.ProcessEnv, launcherPid: number, target: JobIncarnation): NodeJS.ProcessEnv {
  const { ingest } = config;
  const python = join(venvDir, 'bin', 'python');
  const env: NodeJS.ProcessEnv = { ...base };
  // a SPARK_HOME of another installation would make the venv's spark-submit run that one
  delete env.SPARK_HOME;
  for (const key of Object.keys(env)) if (key.startsWith('TURNOVER_KAFKA_')) delete env[key];
  Object.assign(env, {
    PYSPARK_PYTHON: python,
    PYSPARK_DRIVER_PYTHON: python,
    TURNOVER_KAFKA_BROKERS: ingest.kafka.brokers.join(','),
    TURNOVER_KAFKA_TOPIC: ingest.topic,
    TURNOVER_KAFKA_GROUP: ingest.group,
    TURNOVER_KAFKA_SECURITY_PROTOCOL: ingest.kafka.securityProtocol,
    TURNOVER_LANDING_URL: ingest.stagingUrl,
    // the old name too, the same URL: a job written against it (bench/spark's plain jobs) must not read a stale inherited one
    TURNOVER_STAGING_URL: ingest.stagingUrl,
    TURNOVER_INGEST_PROGRESS_INTERVAL: String(ingest.progressIntervalS),
    TURNOVER_SQL_DIR: SQL_DIR,
    TURNOVER_SPARK_LAUNCHER_PID: String(launcherPid),
    // the incarnation the launcher checked (src/ingest/spark-offsets.ts): the job refuses any other
    TURNOVER_INGEST_INCARNATION: String(target.incarnation),
    TURNOVER_KAFKA_TOPIC_ID: target.topicId ?? '',
  });
  if (ingest.kafka.sasl) {
    env.TURNOVER_KAFKA_SASL_MECHANISM = ingest.kafka.sasl.mechanism;
    env.TURNOVER_KAFKA_SASL_USERNAME = ingest.kafka.sasl.username;
    env.TURNOVER_KAFKA_SASL_PASSWORD = ingest.kafka.sasl.password;
  }
  if (config.sslCaPath) env.TURNOVER_KAFKA_SSL_CA = config.sslCaPath;
  if (config.master.startsWith('local')) env.SPARK_LOCAL_IP = '127.0.0.1';
  return env;
}

/** spark-submit's arguments: master, settings, jars and the job file (nothing secret). */
export function submitArguments(config: SparkLaunchConfig, jars: readonly string[], jobFile: string): string[] {
  const args = ['--master', config.master, '--name', 'turnover-ingest'];
  let userJars = '';
  for (const [key, value] of config.conf) {
    if (key === 'spark.jars') userJars = value;
    else args.push('--conf', `${key}=${value}`);
  }
  args.push('--conf', `spark.jars=${[...jars, ...(userJars ? [userJars] : [])].join(',')}`);
  args.push(jobFile);
  return args;
}
