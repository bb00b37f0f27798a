import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StackError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { checkMaven } from './prerequisites.js';
import { withDirLock } from '../process/dir-lock.js';
import { run } from '../process/run-command.js';

/**
 * Java components come from Maven Central, not from vendor tarballs: a tiny
 * generated pom lists the artifacts and Maven copies them with all their
 * runtime dependencies into a folder of the cache, outside the repository.
 * A `.complete` marker makes later calls free.
 */
export interface MavenClasspath {
  /** Folder of the cache that holds `pom.xml`, `jars/` and the marker. */
  readonly home: string;
  /** artifactId of the generated pom (names the classpath in Maven's output). */
  readonly name: string;
  readonly version: string;
  readonly artifacts: readonly (readonly [group: string, artifact: string, version: string])[];
  /** What the jars are for, in log lines and errors ("the Kafka broker jars"). */
  readonly what: string;
}

const DEPENDENCY_PLUGIN_VERSION = '3.8.1';

function pom(classpath: MavenClasspath): string {
  const deps = classpath.artifacts
    .map(([g, a, v]) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`)
    .join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>turnover.local</groupId>
  <artifactId>${classpath.name}</artifactId>
  <version>${classpath.version}</version>
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

/** Returns the folder holding the jars, resolving them on first use. */
export async function ensureMavenClasspath(classpath: MavenClasspath, logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  const jars = join(classpath.home, 'jars');
  const marker = join(classpath.home, '.complete');
  if (existsSync(marker)) return jars;
  mkdirSync(dirname(classpath.home), { recursive: true });
  // one resolver at a time: two at once (two first runs) delete the jars folder under each other
  return withDirLock(`${classpath.home}.lock`, () => resolveClasspath(classpath, jars, marker, logger, env), (holder) =>
    logger.info({ dir: jars, holder }, `waiting for process ${holder}, which is resolving ${classpath.what}`),
  );
}

async function resolveClasspath(classpath: MavenClasspath, jars: string, marker: string, logger: Logger, env: NodeJS.ProcessEnv): Promise<string> {
  if (existsSync(marker)) return jars; // the process we waited for resolved them
  await checkMaven(env);
  logger.info({ dir: jars }, `resolving ${classpath.what} from Maven Central (once; cached)`);
  rmSync(jars, { recursive: true, force: true });
  mkdirSync(classpath.home, { recursive: true });
  writeFileSync(join(classpath.home, 'pom.xml'), pom(classpath));
  const result = await run(
    'mvn',
    ['-q', '-B', '-f', join(classpath.home, 'pom.xml'), `org.apache.maven.plugins:maven-dependency-plugin:${DEPENDENCY_PLUGIN_VERSION}:copy-dependencies`, `-DoutputDirectory=${jars}`, '-DincludeScope=runtime'],
    { env },
  );
  if (result.code !== 0) {
    const tail = (result.stdout + result.stderr).split('\n').filter(Boolean).slice(-15).join('\n');
    throw new StackError(`Maven could not resolve ${classpath.what} (is Maven Central reachable?):\n${tail}`);
  }
  const count = readdirSync(jars).filter((f) => f.endsWith('.jar')).length;
  writeFileSync(marker, `${count} jars\n`);
  logger.info({ jars: count }, `${classpath.what} ready`);
  return jars;
}
