import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { ensureMavenClasspath } from './maven-classpath.js';

/**
 * The broker comes from Maven Central, not from a vendor tarball: a tiny
 * generated pom lists the broker's artifacts and Maven copies them with all
 * their dependencies into a cache folder outside the repository
 * (maven-classpath.ts).
 */
export const KAFKA_VERSION = '4.1.2';
// Kafka 4.1 pins slf4j-api 1.7: the matching log4j2 binding is log4j-slf4j-impl,
// not log4j-slf4j2-impl (with that one the broker silently logs nothing).
const LOG4J_VERSION = '2.25.3';

const ARTIFACTS: readonly [group: string, artifact: string, version: string][] = [
  ['org.apache.kafka', 'kafka_2.13', KAFKA_VERSION],
  ['org.apache.kafka', 'kafka-server', KAFKA_VERSION],
  ['org.apache.kafka', 'kafka-storage', KAFKA_VERSION],
  ['org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION],
  ['org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION],
];

/** Returns the folder holding the broker's jars, resolving them on first use. */
export async function ensureKafkaJars(cacheDir: string, logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  return ensureMavenClasspath(
    {
      home: join(cacheDir, 'kafka', KAFKA_VERSION),
      name: 'kafka-broker-classpath',
      version: KAFKA_VERSION,
      artifacts: ARTIFACTS,
      what: `Kafka ${KAFKA_VERSION} broker jars`,
    },
    logger,
    env,
  );
}
