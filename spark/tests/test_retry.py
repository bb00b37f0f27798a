"""The job's back-off (turnover_spark/retry.py): the policy's formula, its bounds, and the loop's reset."""
import unittest

from turnover_spark.retry import CONNECT, TRANSACTION, Backoff, RetryPolicy


class DelayTest(unittest.TestCase):
    def test_without_jitter_the_wait_doubles_from_the_initial_to_the_cap(self):
        no_jitter = lambda: 0.0  # noqa: E731
        self.assertEqual([CONNECT.delay_ms(n, no_jitter) for n in range(1, 8)], [500, 1000, 2000, 4000, 8000, 10000, 10000])
        self.assertEqual([TRANSACTION.delay_ms(n, no_jitter) for n in range(1, 8)], [250, 500, 1000, 2000, 4000, 8000, 10000])

    def test_jitter_takes_at_most_its_share_off(self):
        almost_one = lambda: 0.999999  # noqa: E731
        self.assertEqual(CONNECT.delay_ms(1, almost_one), 400)
        self.assertEqual(CONNECT.delay_ms(50, almost_one), 8000)
        for n in range(1, 12):
            wait = TRANSACTION.delay_ms(n)
            full = min(10_000, 250 * 2 ** (n - 1))
            self.assertTrue(full * 0.8 <= wait <= full, (n, wait))

    def test_rounds_halves_up_as_javascript_does(self):
        policy = RetryPolicy("odd", initial_delay_ms=5, max_delay_ms=5, factor=1, jitter=0.5)
        self.assertEqual(policy.delay_ms(1, lambda: 0.5), 4)  # 3.75 -> 4
        self.assertEqual(policy.delay_ms(1, lambda: 0.6), 4)  # 3.5 -> 4, as Math.round(3.5)


class BackoffTest(unittest.TestCase):
    def test_counts_failures_and_starts_over_after_a_reset(self):
        backoff = Backoff(CONNECT, lambda: 0.0)
        self.assertEqual([backoff.next_s(), backoff.next_s(), backoff.next_s()], [0.5, 1.0, 2.0])
        self.assertEqual(backoff.failures, 3)
        backoff.reset()
        self.assertEqual(backoff.next_s(), 0.5)


if __name__ == "__main__":
    unittest.main()
