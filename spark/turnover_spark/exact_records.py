"""Records read on the driver, exactly as Kafka holds them, for the few that
Spark's Kafka source cannot hand over exactly.

Spark's source turns a record's int64 millisecond timestamp into its
microsecond TimestampType through java.sql.Timestamp (Spark 4.2.0,
KafkaRecordToRowConverter.parseTimestamp):
  * a timestamp beyond +-9,223,372,036,854,775 ms overflows the microseconds:
    the source throws KAFKA_MALFORMED_RECORD_TIMESTAMP and the whole query
    fails, on every restart;
  * an instant before the Gregorian cut-over (1582-10-15) is rebased from the
    Julian calendar (days off; two Julian days can become one).
The first is caught where the batch is collected (run.py), the second is
marked by spark/sql/copy_rows.sql (a null row). Either way the driver reads
those records again here with the Kafka client the connector brings (through
py4j, with the job's own security settings) and encodes them in Python.
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping, Optional

from .copy_row import KafkaRecord

POLL_MS = 500
TIMEOUT_S = 30

# The message of Spark 4.2.0's KAFKA_MALFORMED_RECORD_TIMESTAMP (error/kafka-error-conditions.json of the connector).
_MALFORMED = re.compile(r"Record at topic (\S+) partition (\d+) offset (\d+) has timestamp value (-?\d+) that overflows")


def malformed_timestamp(error: BaseException) -> Optional[tuple[int, int]]:
    """(partition, offset) of the record whose timestamp failed Spark's source, if that is what failed."""
    match = _MALFORMED.search(str(error))
    return (int(match.group(2)), int(match.group(3))) if match else None


class ExactRecordReader:
    """A KafkaConsumer on the driver's JVM (assign + seek, no group, commits nothing)."""

    def __init__(self, spark, props: Mapping[str, str], topic: str):
        self._jvm = spark.sparkContext._jvm
        self._props = props
        self._topic = topic
        self._consumer = None

    def read(self, partition: int, offsets: Iterable[int]) -> list[KafkaRecord]:
        jvm = self._jvm
        consumer = self._open()
        tp = jvm.org.apache.kafka.common.TopicPartition(self._topic, partition)
        consumer.assign(jvm.java.util.Collections.singletonList(tp))
        found: list[KafkaRecord] = []
        for offset in sorted(set(offsets)):
            found.append(self._read_one(consumer, tp, partition, offset))
        return found

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None

    def _open(self):
        if self._consumer is None:
            jvm = self._jvm
            properties = jvm.java.util.Properties()
            for key, value in self._props.items():
                properties.setProperty(key, value)
            deserializer = "org.apache.kafka.common.serialization.ByteArrayDeserializer"
            for key, value in {
                "key.deserializer": deserializer,
                "value.deserializer": deserializer,
                "enable.auto.commit": "false",
                "auto.offset.reset": "none",
                "max.poll.records": "1",
                "client.id": "turnover-ingest-spark-exact",
            }.items():
                properties.setProperty(key, value)
            self._consumer = jvm.org.apache.kafka.clients.consumer.KafkaConsumer(properties)
        return self._consumer

    def _read_one(self, consumer, tp, partition: int, offset: int) -> KafkaRecord:
        jvm = self._jvm
        consumer.seek(tp, offset)
        timeout = jvm.java.time.Duration.ofMillis(POLL_MS)
        for _ in range(TIMEOUT_S * 1000 // POLL_MS):
            for record in consumer.poll(timeout).records(tp):
                if record.offset() == offset:
                    return _record(self._topic, partition, record)
                raise RuntimeError(f"partition {partition}: offset {offset} is not in Kafka (the next record is {record.offset()})")
        raise RuntimeError(f"partition {partition}: offset {offset} could not be read from Kafka within {TIMEOUT_S}s")


def _record(topic: str, partition: int, record) -> KafkaRecord:
    # Header.key() is the name the Java client decoded from UTF-8, as Spark's source has it; py4j hands
    # over the Java string whole (a decoded name never holds a lone surrogate), so .encode is its UTF-8.
    headers = [(h.key().encode("utf-8"), _bytes(h.value())) for h in record.headers().toArray()]
    return KafkaRecord(
        topic=topic,
        partition=partition,
        offset=int(record.offset()),
        key=_bytes(record.key()),
        value=_bytes(record.value()),
        headers=headers or None,
        timestamp_ms=int(record.timestamp()),
    )


def _bytes(data) -> Optional[bytes]:
    return None if data is None else bytes(data)
