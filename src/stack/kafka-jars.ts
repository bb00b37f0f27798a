import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { checkMaven } from './prerequisites.js';
import { run } from './processes.js';

/**
 * The broker comes from Maven Central, not from a vendor tarball: a tiny
 * generated pom lists the broker's artifacts and Maven copies them with all
 * their dependencies into a cache folder outside the repository.
 */
export const KAFKA_VERSION = '4.1.2';
// Kafka 4.1 pins slf4j-api 1.7: the matching log4j2 binding is log4j-slf4j-impl,
// not log4j-slf4j2-impl (with that one the broker silently logs nothing).
const LOG4J_VERSION = '2.25.3';
const DEPENDENCY_PLUGIN_VERSION = '3.8.1';

const ARTIFACTS: readonly [group: string, artifact: string, version: string][] = [
  ['org.apache.kafka', 'kafka_2.13', KAFKA_VERSION],
  ['org.apache.kafka', 'kafka-server', KAFKA_VERSION],
  ['org.apache.kafka', 'kafka-storage', KAFKA_VERSION],
  ['org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION],
  ['org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION],
];

function pom(): string {
  const deps = ARTIFACTS.map(
    ([g, a, v]) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`,
  ).join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>turnover.local</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${DEPENDENCY_PLUGIN_VERSION}</version>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

/** Returns the folder holding the broker's jars, resolving them on first use. */
export async function ensureKafkaJars(cacheDir: string, logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  const home = join(cacheDir, 'kafka', KAFKA_VERSION);
  const jars = join(home, 'jars');
  const marker = join(home, '.complete');
  if (existsSync(marker)) return jars;

  await checkMaven(env);
  logger.info({ dir: jars }, `resolving Kafka ${KAFKA_VERSION} broker jars from Maven Central (once; cached)`);
  rmSync(jars, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'pom.xml'), pom());
  const result = await run(
    'mvn',
    ['-q', '-B', '-f', join(home, 'pom.xml'), `org.apache.maven.plugins:maven-dependency-plugin:${DEPENDENCY_PLUGIN_VERSION}:copy-dependencies`, `-DoutputDirectory=${jars}`, '-DincludeScope=runtime'],
    { env },
  );
  if (result.code !== 0) {
    const tail = (result.stdout + result.stderr).split('\n').filter(Boolean).slice(-15).join('\n');
    throw new StackError(`Maven could not resolve the Kafka broker jars (is Maven Central reachable?):\n${tail}`);
  }
  const count = readdirSync(jars).filter((f) => f.endsWith('.jar')).length;
  writeFileSync(marker, `${count} jars\n`);
  logger.info({ jars: count }, 'Kafka broker jars ready');
  return jars;
}
