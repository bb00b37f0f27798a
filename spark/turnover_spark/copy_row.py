"""One row of raw.kafka_messages in PostgreSQL's COPY BINARY format, in Python.

The executors write these rows in Spark SQL (spark/sql/copy_rows.sql); the
driver writes the same bytes here for the few records Spark's Kafka source
cannot hand over exactly (spark/turnover_spark/exact_records.py), and reads
them back to quarantine a row PostgreSQL refused (landing.py).

Columns, in COPY_COLUMNS order: topic text, incarnation int4 (the landing's
incarnation of the topic: incarnation.py), partition int4, "offset" int8,
key bytea, value bytea, headers bytea[][] ([name, value] per header in record
order; null = no headers), kafka_timestamp timestamptz (null when the instant
is outside PostgreSQL's range), kafka_timestamp_ms int8 (the record's exact
int64).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Optional, Sequence

COPY_COLUMNS = ("topic", "incarnation", "partition", '"offset"', "key", "value", "headers", "kafka_timestamp", "kafka_timestamp_ms")
BYTEA_OID = 17
PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in microseconds since 1970-01-01
# timestamptz's range (PostgreSQL's MIN_TIMESTAMP, END_TIMESTAMP: 4714-11-24 BC to before 294277-01-01)
PG_MIN_US = -211_813_488_000_000_000
PG_END_US = 9_223_371_331_200_000_000

Header = tuple[bytes, Optional[bytes]]


@dataclass(frozen=True)
class KafkaRecord:
    topic: str
    partition: int
    offset: int
    key: Optional[bytes]
    value: Optional[bytes]
    # Names as Spark and the Java client give them: the UTF-8 of the decoded name (docs/spark.md).
    headers: Optional[Sequence[Header]]
    timestamp_ms: int


def pg_timestamp_us(timestamp_ms: int) -> Optional[int]:
    """The instant as timestamptz's microseconds since 2000-01-01, or None outside its range."""
    us = timestamp_ms * 1000 - PG_EPOCH_US
    return us if PG_MIN_US <= us < PG_END_US else None


def _field(data: Optional[bytes]) -> bytes:
    return b"\xff\xff\xff\xff" if data is None else struct.pack(">i", len(data)) + data


def headers_array(headers: Optional[Sequence[Header]]) -> Optional[bytes]:
    """bytea[][] in array_recv's binary format; None when there are no headers."""
    if not headers:
        return None
    has_nulls = any(value is None for _, value in headers)
    parts = [struct.pack(">iiiiiii", 2, int(has_nulls), BYTEA_OID, len(headers), 1, 2, 1)]
    for name, value in headers:
        parts.append(_field(name))
        parts.append(_field(value))
    return b"".join(parts)


def copy_row(record: KafkaRecord, incarnation: int) -> bytes:
    topic = record.topic.encode("utf-8")
    us = pg_timestamp_us(record.timestamp_ms)
    return b"".join(
        (
            struct.pack(">h", len(COPY_COLUMNS)),
            _field(topic),
            _field(struct.pack(">i", incarnation)),
            _field(struct.pack(">i", record.partition)),
            _field(struct.pack(">q", record.offset)),
            _field(record.key),
            _field(record.value),
            _field(headers_array(record.headers)),
            _field(None if us is None else struct.pack(">q", us)),
            _field(struct.pack(">q", record.timestamp_ms)),
        )
    )


def _read_fields(view: memoryview, at: int, count: int) -> list[Optional[bytes]]:
    """count length-prefixed values (the length -1 = null) from position at: COPY fields and array elements alike."""
    fields: list[Optional[bytes]] = []
    for _ in range(count):
        (length,) = struct.unpack_from(">i", view, at)
        at += 4
        if length < 0:
            fields.append(None)
        else:
            fields.append(bytes(view[at : at + length]))
            at += length
    return fields


def parse_row(row: bytes) -> KafkaRecord:
    """The record back from its COPY row (for a reject: its bytes are kept as they were fetched; the
    incarnation is the job's own)."""
    view = memoryview(row)
    (count,) = struct.unpack_from(">h", view, 0)
    if count != len(COPY_COLUMNS):
        raise ValueError(f"a landing row has {len(COPY_COLUMNS)} fields, not {count}")
    topic, _incarnation, partition, offset, key, value, headers, _timestamp, timestamp_ms = _read_fields(view, 2, count)
    assert topic is not None and partition is not None and offset is not None and timestamp_ms is not None
    return KafkaRecord(
        topic=topic.decode("utf-8"),
        partition=struct.unpack(">i", partition)[0],
        offset=struct.unpack(">q", offset)[0],
        key=key,
        value=value,
        headers=None if headers is None else parse_headers_array(headers),
        timestamp_ms=struct.unpack(">q", timestamp_ms)[0],
    )


def parse_headers_array(data: bytes) -> list[Header]:
    view = memoryview(data)
    ndim, _has_nulls, oid, rows, _lower, columns, _lower2 = struct.unpack_from(">iiiiiii", view, 0)
    if ndim != 2 or oid != BYTEA_OID or columns != 2:
        raise ValueError("not a bytea[n][2] array")
    elements = _read_fields(view, 28, rows * 2)
    return [(elements[i] or b"", elements[i + 1]) for i in range(0, len(elements), 2)]
