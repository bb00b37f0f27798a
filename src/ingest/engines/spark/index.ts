export { runSparkIngester, INGEST_JOB } from './spark-launcher.js';
export { sparkLaunchConfigFrom, SPARK_CONF, SPARK_DEFAULTS, type SparkOptions } from './spark-options.js';
export { prepareSpark, type SparkInstallation } from '../../../setup/spark-install.js';
export { ensureSparkJars, sparkJarList, SPARK_VERSION } from '../../../setup/spark-jars.js';
export { jobEnvironment, submitArguments } from './spark-env.js';
export type { SparkLaunchConfig } from './types.js';
