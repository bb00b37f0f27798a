"""The topic's partitions and first offsets, asked with the Kafka client the
Spark connector brings (kafka-clients on the driver's classpath, through py4j),
so the job needs no Python Kafka library and uses the same security settings."""
from __future__ import annotations

from typing import Mapping

TIMEOUT_S = 30


def partition_low_offsets(spark, props: Mapping[str, str], topic: str) -> dict[int, int]:
    """{partition: first offset still in the log}; empty when the topic does not exist (yet)."""
    jvm = spark.sparkContext._jvm
    properties = jvm.java.util.Properties()
    for key, value in props.items():
        properties.setProperty(key, value)
    properties.setProperty("client.id", "turnover-ingest-spark-admin")
    admin = jvm.org.apache.kafka.clients.admin.Admin.create(properties)
    seconds = jvm.java.util.concurrent.TimeUnit.SECONDS
    try:
        names = admin.listTopics().names().get(TIMEOUT_S, seconds)
        if not names.contains(topic):
            return {}
        topics = jvm.java.util.Collections.singletonList(topic)
        description = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_S, seconds).get(topic)
        wanted = jvm.java.util.HashMap()
        earliest = jvm.org.apache.kafka.clients.admin.OffsetSpec.earliest()
        partitions = [info.partition() for info in description.partitions()]
        for p in partitions:
            wanted.put(jvm.org.apache.kafka.common.TopicPartition(topic, p), earliest)
        found = admin.listOffsets(wanted).all().get(TIMEOUT_S, seconds)
        return {int(tp.partition()): int(found.get(tp).offset()) for tp in found.keySet()}
    finally:
        admin.close()
