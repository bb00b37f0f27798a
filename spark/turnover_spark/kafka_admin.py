"""The topic's id, partitions and offsets, asked with the Kafka client the
Spark connector brings (kafka-clients on the driver's classpath, through py4j),
so the job needs no Python Kafka library and uses the same security settings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

TIMEOUT_S = 30
# Kafka's Uuid.ZERO_UUID as printed: a topic the broker keeps no id for
NO_TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAA"


@dataclass(frozen=True)
class TopicState:
    # Kafka's topic id as Kafka prints it (Uuid.toString(): 22 characters of base64url); None when the broker has none.
    topic_id: Optional[str]
    # {partition: (first offset still in the log, end offset)}
    bounds: dict[int, tuple[int, int]]


class TopicAdmin:
    """One admin client for the run: the topic's id (checked around every batch) and its offsets."""

    def __init__(self, spark, props: Mapping[str, str], topic: str):
        jvm = spark.sparkContext._jvm
        properties = jvm.java.util.Properties()
        for key, value in props.items():
            properties.setProperty(key, value)
        properties.setProperty("client.id", "turnover-ingest-spark-admin")
        self._jvm = jvm
        self._topic = topic
        self._seconds = jvm.java.util.concurrent.TimeUnit.SECONDS
        self._admin = jvm.org.apache.kafka.clients.admin.Admin.create(properties)

    def close(self) -> None:
        self._admin.close()

    def _describe(self):
        """The topic's description, or None when it does not exist (yet)."""
        names = self._admin.listTopics().names().get(TIMEOUT_S, self._seconds)
        if not names.contains(self._topic):
            return None
        topics = self._jvm.java.util.Collections.singletonList(self._topic)
        return self._admin.describeTopics(topics).allTopicNames().get(TIMEOUT_S, self._seconds).get(self._topic)

    def topic_id(self) -> Optional[str]:
        description = self._describe()
        return None if description is None else _printed(description.topicId().toString())

    def state(self) -> Optional[TopicState]:
        """The topic's id and every partition's bounds, with the id read before and after the offsets:
        ListOffsets names the topic, so a topic recreated in between would give the new log's bounds
        under the old id (the same rule as src/kafka/wire/topic-log.ts)."""
        for _ in range(5):
            description = self._describe()
            if description is None:
                return None
            bounds = self._bounds([info.partition() for info in description.partitions()])
            after = self.topic_id()
            before = _printed(description.topicId().toString())
            if after == before:
                return TopicState(before, bounds)
        raise RuntimeError(f"the id of {self._topic} changed while its offsets were read, 5 times")

    def _bounds(self, partitions: list[int]) -> dict[int, tuple[int, int]]:
        spec = self._jvm.org.apache.kafka.clients.admin.OffsetSpec

        def offsets(which) -> dict[int, int]:
            wanted = self._jvm.java.util.HashMap()
            for p in partitions:
                wanted.put(self._jvm.org.apache.kafka.common.TopicPartition(self._topic, p), which)
            found = self._admin.listOffsets(wanted).all().get(TIMEOUT_S, self._seconds)
            return {int(tp.partition()): int(found.get(tp).offset()) for tp in found.keySet()}

        lows, highs = offsets(spec.earliest()), offsets(spec.latest())
        return {p: (lows[p], highs[p]) for p in sorted(lows)}


def _printed(topic_id: str) -> Optional[str]:
    return None if topic_id == NO_TOPIC_ID else topic_id


def partition_low_offsets(spark, props: Mapping[str, str], topic: str) -> dict[int, int]:
    """{partition: first offset still in the log}; empty when the topic does not exist (yet)."""
    admin = TopicAdmin(spark, props, topic)
    try:
        state = admin.state()
        return {} if state is None else {p: low for p, (low, _) in state.bounds.items()}
    finally:
        admin.close()
