import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ROUNDS, roundsFrom, runRounds } from '../../bench/harness/rounds.js';

describe('roundsFrom', () => {
  it('reads ROUNDS, 3 by default', () => {
    assert.equal(DEFAULT_ROUNDS, 3);
    assert.equal(roundsFrom({}), 3);
    assert.equal(roundsFrom({ ROUNDS: '' }), 3);
    assert.equal(roundsFrom({ ROUNDS: '5' }), 5);
    assert.equal(roundsFrom({ ROUNDS: '1' }), 1);
  });

  it('refuses what is not a whole number of rounds', () => {
    for (const bad of ['0', '-1', '2.5', 'three']) assert.throws(() => roundsFrom({ ROUNDS: bad }), /ROUNDS=/);
  });
});

describe('runRounds', () => {
  it('warms up once, then alternates reference and subject, each round reported as it ends', async () => {
    const order: string[] = [];
    const rounds = await runRounds({
      rounds: 3,
      warmUp: async () => order.push('warm-up'),
      reference: async (round) => (order.push(`reference ${round}`), round * 10),
      subject: async (round) => (order.push(`subject ${round}`), round * 9),
      onRound: ({ round }) => order.push(`row ${round}`),
    });
    assert.deepEqual(order, ['warm-up', 'reference 1', 'subject 1', 'row 1', 'reference 2', 'subject 2', 'row 2', 'reference 3', 'subject 3', 'row 3']);
    assert.deepEqual(rounds, [
      { round: 1, reference: 10, subject: 9 },
      { round: 2, reference: 20, subject: 18 },
      { round: 3, reference: 30, subject: 27 },
    ]);
  });

  it('runs the subject alone where there is no reference', async () => {
    const rounds = await runRounds({ rounds: 2, subject: async (round) => round });
    assert.deepEqual(rounds, [
      { round: 1, reference: undefined, subject: 1 },
      { round: 2, reference: undefined, subject: 2 },
    ]);
  });
});
