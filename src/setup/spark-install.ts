import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PrerequisiteError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { ensureVenv } from './python-venv.js';
import { checkJava } from './prerequisites.js';
import { ensureSparkJars, sparkJarList } from './spark-jars.js';

/** Everything a launch needs, prepared once and cached (~/.cache/turnover). */
export interface SparkInstallation {
  readonly venvDir: string;
  /** PySpark's own folder, a complete SPARK_HOME (bin/spark-class starts a standalone master or worker). */
  readonly sparkHome: string;
  readonly sparkSubmit: string;
  /** Jars for spark.jars (the connector minus what PySpark ships). */
  readonly jars: readonly string[];
}

/**
 * Java 17+, the pinned PySpark venv (python/requirements-spark.txt) and the
 * connector jars from Maven Central; each missing prerequisite is one clear
 * PrerequisiteError line.
 */
export async function prepareSpark(cacheDir: string, logger: Logger, env: NodeJS.ProcessEnv): Promise<SparkInstallation> {
  await checkJava(env);
  const venvDir = await ensureVenv('spark', cacheDir, logger, env);
  const sparkSubmit = join(venvDir, 'bin', 'spark-submit');
  const pysparkJars = pysparkJarsDir(venvDir);
  if (!existsSync(sparkSubmit) || !pysparkJars) {
    throw new PrerequisiteError(`the Spark venv ${venvDir} has no PySpark: delete it and run \`turnover setup spark\``);
  }
  const jarsDir = await ensureSparkJars(cacheDir, logger, env);
  return { venvDir, sparkHome: dirname(pysparkJars), sparkSubmit, jars: sparkJarList(jarsDir, pysparkJars) };
}

function pysparkJarsDir(venvDir: string): string | undefined {
  const lib = join(venvDir, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)) {
    const jars = join(lib, python, 'site-packages', 'pyspark', 'jars');
    if (existsSync(jars)) return jars;
  }
  return undefined;
}
