/**
 * The rounds of a benchmark: a warm-up run that is not counted (caches, JIT,
 * the first connections), then `ROUNDS` measured rounds, each running the
 * reference (if the benchmark has one) and then the subject, so that the two
 * see the same machine round after round and each round gives one ratio.
 */

export const DEFAULT_ROUNDS = 3;

/** `ROUNDS` from the environment: a whole number ≥ 1, default 3 (fewer than 3 measure but give no verdict). */
export function roundsFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.ROUNDS;
  if (raw === undefined || raw === '') return DEFAULT_ROUNDS;
  const rounds = Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`ROUNDS=${raw}: expected a whole number of rounds, at least 1`);
  return rounds;
}

export interface Round<R, S> {
  /** 1 for the first measured round. */
  readonly round: number;
  readonly reference: R | undefined;
  readonly subject: S;
}

export interface RoundPlan<R, S> {
  readonly rounds: number;
  /** Run once before the measured rounds and not counted: the reference where there is one. */
  readonly warmUp?: () => Promise<unknown>;
  readonly reference?: (round: number) => Promise<R>;
  readonly subject: (round: number) => Promise<S>;
  /** Called after each measured round, e.g. to print its row. */
  readonly onRound?: (round: Round<R, S>) => void;
}

export async function runRounds<R, S>(plan: RoundPlan<R, S>): Promise<Round<R, S>[]> {
  await plan.warmUp?.();
  const done: Round<R, S>[] = [];
  for (let round = 1; round <= plan.rounds; round++) {
    const reference = plan.reference ? await plan.reference(round) : undefined;
    const subject = await plan.subject(round);
    const measured = { round, reference, subject };
    done.push(measured);
    plan.onRound?.(measured);
  }
  return done;
}
