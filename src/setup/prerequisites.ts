import { PrerequisiteError } from '../errors.js';
import { run } from '../process/run-command.js';

/** The only host tools the local stack needs besides Node: a JDK 17+ and Maven. */

export function javaBinary(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java';
}

export async function checkJava(env: NodeJS.ProcessEnv): Promise<number> {
  const java = javaBinary(env);
  let output: string;
  try {
    const result = await run(java, ['-version'], { env });
    output = result.stderr + result.stdout;
  } catch {
    throw new PrerequisiteError(
      `JDK 17+ not found (tried "${java}"): install one (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless; macOS: brew install openjdk@17) and put java on PATH or set JAVA_HOME`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!(major >= 17)) {
    throw new PrerequisiteError(`Kafka 4 needs JDK 17 or newer, found ${match ? match[0] : 'an unknown version'} at "${java}": install JDK 17+ and set JAVA_HOME`);
  }
  return major;
}

export async function checkMaven(env: NodeJS.ProcessEnv): Promise<void> {
  try {
    const result = await run('mvn', ['-v'], { env });
    if (result.code !== 0) throw new Error(result.stderr);
  } catch {
    throw new PrerequisiteError(
      'Maven not found: it resolves the Kafka broker\'s jars from Maven Central once (Debian/Ubuntu: apt-get install maven; macOS: brew install maven)',
    );
  }
}
