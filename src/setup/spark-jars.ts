import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { ensureMavenClasspath } from './maven-classpath.js';

/**
 * The Kafka connector of Spark and its dependencies, from Maven Central. The
 * connector must match PySpark's version exactly; for pyspark 4.2.1 and 4.3.0
 * it is not on Maven Central (PLATFORM.md), hence 4.2.0 in
 * python/requirements-spark.txt. The PostgreSQL JDBC driver is only for the
 * plain Structured Streaming reference of the benchmark (bench/spark/).
 */
export const SPARK_VERSION = '4.2.0';
const POSTGRESQL_JDBC_VERSION = '42.7.8';

const ARTIFACTS: readonly [group: string, artifact: string, version: string][] = [
  ['org.apache.spark', 'spark-sql-kafka-0-10_2.13', SPARK_VERSION],
  ['org.apache.spark', 'spark-token-provider-kafka-0-10_2.13', SPARK_VERSION],
  ['org.postgresql', 'postgresql', POSTGRESQL_JDBC_VERSION],
];

/** Resolves (once) the connector's jars with all their dependencies; returns their folder. */
export async function ensureSparkJars(cacheDir: string, logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  return ensureMavenClasspath(
    {
      home: join(cacheDir, 'spark', SPARK_VERSION),
      name: 'spark-kafka-classpath',
      version: SPARK_VERSION,
      artifacts: ARTIFACTS,
      what: `the Spark ${SPARK_VERSION} Kafka connector jars`,
    },
    logger,
    env,
  );
}

/** `scala-library-2.13.15.jar` -> `scala-library`; `spark-sql-kafka-0-10_2.13-4.2.0.jar` -> `spark-sql-kafka-0-10_2.13`. */
export function artifactName(jar: string): string {
  return jar.replace(/\.jar$/, '').replace(/-\d+\.\d[\w.+-]*$/, '');
}

/**
 * The jars to pass with spark.jars: the resolved ones minus every artifact
 * PySpark already ships (Hadoop client, Scala library, lz4, snappy, slf4j…),
 * whose versions differ and must not shadow Spark's own.
 */
export function sparkJarList(jarsDir: string, pysparkJarsDir: string): string[] {
  const shipped = new Set(existsSync(pysparkJarsDir) ? readdirSync(pysparkJarsDir).filter((f) => f.endsWith('.jar')).map(artifactName) : []);
  return readdirSync(jarsDir)
    .filter((f) => f.endsWith('.jar') && !shipped.has(artifactName(f)))
    .sort()
    .map((f) => join(jarsDir, f));
}
