/**
 * The few environment variables a handler may read that are not options:
 * secrets, which have no flag on purpose (a flag shows in `ps`), and test-only
 * hooks. The entry point picks them from the environment once; a handler asks
 * for one by name from the allowlist, and the environment itself is never
 * passed inward. Child processes get theirs from src/process/child-env.ts.
 */

/** Values read by name from an allowlist. */
export interface NamedValues<N extends string> {
  get(name: N): string | undefined;
}

export const SECRET_NAMES = ['TURNOVER_KAFKA_SASL_PASSWORD', 'TURNOVER_SUPERSET_ADMIN_USER', 'TURNOVER_SUPERSET_ADMIN_PASSWORD'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
export type Secrets = NamedValues<SecretName>;

/** Test-only settings (src/test-hooks/, TURNOVER_FAULT_INJECT): never a flag, unset in production. */
export const TEST_HOOK_NAMES = ['TURNOVER_TEST_PAUSE_AT', 'TURNOVER_TEST_PAUSE_DIR', 'TURNOVER_TEST_NOW', 'TURNOVER_FAULT_INJECT'] as const;
export type TestHookName = (typeof TEST_HOOK_NAMES)[number];
export type TestHooks = NamedValues<TestHookName>;

/** The allowlisted names' values, copied from `env` now and frozen (an empty value counts as unset). */
export function pickValues<N extends string>(env: Readonly<Record<string, string | undefined>>, names: readonly N[]): NamedValues<N> {
  const values = new Map<string, string>();
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') values.set(name, value);
  }
  return Object.freeze({ get: (name: N) => values.get(name) });
}

/** Nothing set: for tests and callers outside the CLI. */
export const NO_VALUES: NamedValues<never> = Object.freeze({ get: () => undefined });
