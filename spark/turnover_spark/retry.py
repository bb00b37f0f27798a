"""The retry policies the Spark job waits by: a mirror of the ones the Node side uses
(src/retry/policies.ts, docs/operations.md "Retries"), same numbers, same formula, kept here
only. test/spark/spark-job.python.test.ts checks them against the TypeScript definitions."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

RandomSource = Callable[[], float]


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait after failures in a row (the job's loops retry until stopped)."""

    name: str
    initial_delay_ms: int
    max_delay_ms: int
    factor: float
    # the share of each wait that is random: the wait is drawn from [delay x (1 - jitter), delay]
    jitter: float

    def delay_ms(self, failures: int, rand: RandomSource = random.random) -> int:
        """The wait after the `failures`-th failure in a row (1 = the first): initial x factor^(failures - 1),
        capped at the maximum, minus up to `jitter` of it at random (backoffDelay in src/retry/retry-policy.ts)."""
        exponent = max(0, failures - 1)
        delay = min(self.max_delay_ms, self.initial_delay_ms * self.factor**exponent)
        # JavaScript's Math.round: halves go up
        return int(delay * (1 - self.jitter * rand()) + 0.5)


# The first connection to PostgreSQL: 0.5 s ... 10 s, until stopped (connectPolicy).
CONNECT = RetryPolicy("connect", initial_delay_ms=500, max_delay_ms=10_000, factor=2, jitter=0.2)
# A landing transaction while PostgreSQL is away: 0.25 s ... 10 s, until stopped (transactionPolicy).
TRANSACTION = RetryPolicy("transaction", initial_delay_ms=250, max_delay_ms=10_000, factor=2, jitter=0.2)

POLICIES = (CONNECT, TRANSACTION)


class Backoff:
    """The failures in a row of one loop: the wait before its next try, back to the first after a success."""

    def __init__(self, policy: RetryPolicy, rand: RandomSource = random.random):
        self.policy = policy
        self._rand = rand
        self.failures = 0

    def next_s(self) -> float:
        """Counts one more failure; the wait before the next try, in seconds."""
        self.failures += 1
        return self.policy.delay_ms(self.failures, self._rand) / 1000

    def reset(self) -> None:
        self.failures = 0
