import type { Handler } from '../command/command-spec.js';
import { UsageError } from '../errors.js';
import { defaultCacheDir } from '../paths.js';
import { childEnv } from '../process/child-env.js';
import { ensureChromium } from './chromium.js';
import { ensureKafkaJars } from './kafka-jars.js';
import { postgresOsUser, preparePostgresBinaries } from './postgres-binaries.js';
import { checkJava } from './prerequisites.js';
import { prepareSpark } from './spark-install.js';
import { ensureVenv, venvNames } from './python-venv.js';

export const setup: Handler = async (input, context) => {
  const { logger, stdout } = context;
  // every step runs tools (java, mvn, pip, apt) or places caches the environment names (TURNOVER_CACHE_DIR)
  const env = childEnv();
  const cacheDir = defaultCacheDir(env);
  const wanted = input.args.length > 0 ? input.args : ['kafka', 'postgres'];
  const steps: [string, () => Promise<string>][] = [];
  for (const component of wanted) {
    if (component === 'kafka') {
      steps.push(['kafka', async () => { await checkJava(env); return ensureKafkaJars(cacheDir, logger, env); }]);
    } else if (component === 'postgres') {
      steps.push(['postgres', async () => preparePostgresBinaries(env, postgresOsUser(env) ? '/var/tmp/turnover-root' : cacheDir).binDir]);
    } else if (component === 'chromium') {
      steps.push(['chromium', () => ensureChromium(logger, env)]);
    } else if (component === 'spark') {
      steps.push(['spark', async () => (await prepareSpark(cacheDir, logger, env)).venvDir]);
    } else if (component === 'python') {
      for (const name of venvNames()) steps.push([`python:${name}`, () => ensureVenv(name, cacheDir, logger, env)]);
    } else if (component.startsWith('python:')) {
      const name = component.slice('python:'.length);
      if (!venvNames().includes(name)) throw new UsageError(`unknown Python environment "${name}"; known: ${venvNames().join(', ')}`);
      steps.push([component, () => ensureVenv(name, cacheDir, logger, env)]);
    } else {
      throw new UsageError(`unknown component "${component}": use kafka, postgres, spark, chromium, python or python:<name>`);
    }
  }
  for (const [name, step] of steps) {
    if (context.signal.aborted) return 130;
    const started = Date.now();
    const where = await step();
    stdout.write(`${name.padEnd(18)} ready  ${where}  (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  }
};
