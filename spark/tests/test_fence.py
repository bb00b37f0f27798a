"""The exactly-once rule (turnover_spark/fence.py) case by case."""
import unittest

from turnover_spark.fence import GapError, PartitionPlan, needs_filter, plan_batch


class PlanBatchTest(unittest.TestCase):
    def test_first_batch_of_a_partition_without_a_row_lands_everything(self):
        plans = plan_batch({0: (None, 100)}, {0: None})
        self.assertEqual(plans, [PartitionPlan(0, None, 100, None)])

    def test_continuing_batch_lands_everything_and_moves_from_start(self):
        plans = plan_batch({0: (100, 250), 1: (7, 9)}, {0: 100, 1: 7})
        self.assertEqual(plans, [PartitionPlan(0, 100, 250, None), PartitionPlan(1, 7, 9, None)])
        self.assertFalse(needs_filter(plans, {0: (100, 250), 1: (7, 9)}))

    def test_batch_already_landed_is_skipped(self):
        ranges = {0: (100, 250), 1: (0, 10)}
        plans = plan_batch(ranges, {0: 250, 1: 0})
        self.assertEqual(plans, [PartitionPlan(1, 0, 10, None)])
        self.assertTrue(needs_filter(plans, ranges))

    def test_partly_landed_batch_is_trimmed(self):
        ranges = {0: (100, 250)}
        plans = plan_batch(ranges, {0: 180})
        self.assertEqual(plans, [PartitionPlan(0, 180, 250, 180)])
        self.assertTrue(needs_filter(plans, ranges))

    def test_postgres_behind_the_batch_is_a_gap(self):
        with self.assertRaises(GapError):
            plan_batch({0: (100, 250)}, {0: 99})

    def test_partition_discovered_later_starts_wherever_postgres_is(self):
        self.assertEqual(plan_batch({3: (None, 40)}, {3: 10}), [PartitionPlan(3, 10, 40, 10)])
        self.assertEqual(plan_batch({3: (None, 40)}, {3: 40}), [])

    def test_empty_range_moves_nothing(self):
        self.assertEqual(plan_batch({0: (50, 50)}, {0: 50}), [])
        self.assertEqual(plan_batch({0: (50, 50)}, {0: 10}), [])


if __name__ == "__main__":
    unittest.main()
