/**
 * The environment a child process starts with: this process's own (PATH,
 * JAVA_HOME, the TURNOVER_* settings its own children read), plus what the
 * call site sets. Only the places that spawn take it — the stack's servers,
 * Spark, Superset, setup's tools, the runner's stages — so that a command's
 * handler never holds the environment.
 */
export function childEnv(overrides: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
