"""The job's refusal to land in an incarnation whose offsets no longer fit Kafka's log (turnover_spark/incarnation.py)."""
import unittest

from turnover_spark.config import ConfigError, job_config
from turnover_spark.incarnation import Incarnation, OffsetsDoNotFit, enter_incarnation, past_end, refusal
from turnover_spark.kafka_admin import TopicState

A, B = "AAAAAAAAAAAAAAAAAAAAAQ", "AAAAAAAAAAAAAAAAAAAAAg"
ENV = {"TURNOVER_KAFKA_BROKERS": "k:1", "TURNOVER_STAGING_URL": "postgres://u@h/db"}


class RefusalTest(unittest.TestCase):
    def test_the_same_topic_id_and_incarnation_may_land(self):
        self.assertIsNone(refusal("t", Incarnation(2, A, "topic_recreated"), A, 2, A))
        self.assertIsNone(refusal("t", Incarnation(0, A, "first_seen"), A, None, None), "by hand")
        self.assertIsNone(refusal("t", Incarnation(0, None, "before_topic_ids"), None, None, None), "a broker without topic ids")

    def test_a_new_topic_id_is_a_recreated_topic(self):
        self.assertEqual(
            refusal("t", Incarnation(1, A, "first_seen"), B, 1, A),
            f"topic t was deleted and created again: Kafka's topic id is now {B}, the landing's incarnation 1 of it has topic id {A}",
        )

    def test_another_incarnation_than_the_launcher_checked(self):
        self.assertRegex(refusal("t", Incarnation(3, A, "log_truncated"), A, 2, A), r"^the landing's current incarnation of t is 3, not 2")

    def test_a_topic_recreated_after_the_launcher_checked_even_if_the_landing_follows(self):
        # another ingester opened incarnation 1 for B meanwhile, but this job was started for A in 0
        self.assertIsNotNone(refusal("t", Incarnation(1, B, "topic_recreated"), B, 0, A))
        self.assertRegex(refusal("t", Incarnation(0, None, "before_topic_ids"), B, 0, A), r"since the job was started: Kafka's topic id is now")


class PastEndTest(unittest.TestCase):
    def test_only_offsets_past_the_end_count(self):
        bounds = {0: (0, 100), 1: (50, 60), 2: (0, 5)}
        self.assertIsNone(past_end("t", 0, {0: 100, 1: 10, 2: None}, bounds), "at the end, or below the start (retention)")
        self.assertEqual(
            past_end("t", 4, {0: 101, 1: 60, 2: 9}, bounds),
            "partition 0 of t: the landing's next offset 101 is past the end of Kafka's log (100); "
            "partition 2 of t: the landing's next offset 9 is past the end of Kafka's log (5), "
            "under the same topic id (incarnation 4): the log was truncated (an unclean leader election), or the offsets were written ahead",
        )


class FakeAdmin:
    def __init__(self, states):
        self.states = list(states)

    def state(self):
        return self.states.pop(0) if len(self.states) > 1 else self.states[0]


class FakeStore:
    def __init__(self, current):
        self.current = current
        self.recorded = []

    def current_incarnation(self, _topic_id):
        return self.current

    def record_topic_id(self, incarnation, topic_id):
        self.recorded.append((incarnation, topic_id))
        self.current = Incarnation(0 if incarnation is None else incarnation, topic_id, "first_seen" if incarnation is None else self.current.reason)


class EnterIncarnationTest(unittest.TestCase):
    def test_records_the_id_of_a_topic_never_seen_then_enters_it(self):
        store = FakeStore(None)
        current, state = enter_incarnation(store, FakeAdmin([TopicState(A, {0: (0, 5)})]), "t", None, None)
        self.assertEqual((current.incarnation, current.topic_id, state.bounds), (0, A, {0: (0, 5)}))
        self.assertEqual(store.recorded, [(None, A)])

    def test_adopts_the_id_for_rows_landed_before_ids_were_recorded(self):
        store = FakeStore(Incarnation(0, None, "before_topic_ids"))
        current, _ = enter_incarnation(store, FakeAdmin([TopicState(A, {})]), "t", 0, A)
        self.assertEqual((current.topic_id, current.reason, store.recorded), (A, "before_topic_ids", [(0, A)]))

    def test_refuses_a_recreated_topic_with_the_way_on_when_submitted_by_hand(self):
        store = FakeStore(Incarnation(0, A, "first_seen"))
        with self.assertRaises(OffsetsDoNotFit) as raised:
            enter_incarnation(store, FakeAdmin([TopicState(B, {0: (0, 3)})]), "t", None, None)
        self.assertIn("was deleted and created again", str(raised.exception))
        self.assertIn("--on-offset-reset=earliest|latest", str(raised.exception))
        self.assertEqual(store.recorded, [], "nothing written")

    def test_a_missing_topic_does_not_fit(self):
        with self.assertRaises(OffsetsDoNotFit):
            enter_incarnation(FakeStore(None), FakeAdmin([None]), "t", 0, A)


class ConfigTest(unittest.TestCase):
    def test_the_launcher_hands_over_the_incarnation_and_topic_id(self):
        config = job_config({**ENV, "TURNOVER_INGEST_INCARNATION": "3", "TURNOVER_KAFKA_TOPIC_ID": A})
        self.assertEqual((config.incarnation, config.topic_id), (3, A))
        by_hand = job_config(ENV)
        self.assertEqual((by_hand.incarnation, by_hand.topic_id), (None, None))
        with self.assertRaises(ConfigError):
            job_config({**ENV, "TURNOVER_INGEST_INCARNATION": "x"})


if __name__ == "__main__":
    unittest.main()
