import { defineCommand } from '../command/command-spec.js';

export const SETUP_COMMAND = defineCommand({
  name: 'setup',
  summary: 'fetch and cache what the pipeline and its tests need (Kafka jars, PostgreSQL binaries, Python venvs, Chromium)',
  description:
    'Prepares components once and caches them outside the repository (TURNOVER_CACHE_DIR, default ~/.cache/turnover). ' +
    'Components: kafka, postgres, spark (PySpark venv + Kafka connector jars), chromium, python (every python/requirements-*.txt) or python:<name>. Default: kafka postgres.',
  arguments: [{ name: '[components...]', description: 'what to prepare' }],
  load: async () => (await import('./run.js')).setup,
  examples: ['turnover setup', 'turnover setup kafka postgres python:airflow chromium'],
});
