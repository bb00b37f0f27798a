"""A micro-batch's rows for the landing: PostgreSQL COPY rows computed by the
executors (spark/sql/copy_rows.sql), pulled to the driver as Arrow, and the
records Spark's Kafka source cannot hand over exactly read again on the driver
(exact_records.py): a timestamp that overflows Spark's microseconds fails the
Arrow collection, an instant Spark rebases comes back as a null row.
"""
from __future__ import annotations

from typing import Mapping, Optional

import pyarrow as pa
import pyarrow.compute as pc

from .config import JobConfig
from .copy_row import copy_row
from .events import emit
from .exact_records import ExactRecordReader, malformed_timestamp
from .kafka_admin import partition_low_offsets
from .session import kafka_ranges


class BatchCollector:
    def __init__(self, config: JobConfig, encode_sql: str, incarnation: int):
        self._config = config
        self._encode_sql = encode_sql
        # the landing's incarnation of the topic, written into every row
        self._incarnation = incarnation
        self._exact: Optional[ExactRecordReader] = None

    def collect(self, df, batch_id: int, ends: Mapping[int, int], next_start: Mapping[int, Optional[int]]) -> pa.Table:
        """The micro-batch's COPY rows as Arrow (columns partition, offset, copy_row). `ends` are its end
        offsets, `next_start` its first offsets as far as the run knows them (None = Spark read from the earliest)."""
        spark = df.sparkSession
        try:
            rows = self._encode(df)
        except Exception as error:  # noqa: BLE001 - only one failure is ours to handle, the rest re-raised
            refused = malformed_timestamp(error)
            if refused is None:
                raise
            rows = self._collect_around(spark, batch_id, self._batch_ranges(spark, ends, next_start), refused)
        return self._with_exact_rows(spark, batch_id, rows)

    def _encode(self, df) -> pa.Table:
        df.createOrReplaceTempView("kafka_batch")
        return df.sparkSession.sql(self._encode_sql, args={"incarnation": self._incarnation}).toArrow()

    def _collect_around(self, spark, batch_id: int, batch: dict[int, tuple[int, int]], refused: tuple[int, int]) -> pa.Table:
        """The batch again, as Spark batch reads of its offset ranges without the records whose timestamp
        fails Spark's source (found one per failed read), and those records read on the driver."""
        pending = [batch]
        tables: list[pa.Table] = []
        exact: list[tuple[int, int]] = []
        while pending:
            ranges = pending.pop()
            if refused is None:
                try:
                    tables.append(self._encode(kafka_ranges(spark, self._config, self._config.topic, ranges)))
                    continue
                except Exception as error:  # noqa: BLE001
                    refused = malformed_timestamp(error)
                    if refused is None:
                        raise
            partition, offset = refused
            refused = None
            exact.append((partition, offset))
            start, end = ranges[partition]
            # the rest of this read without the record: the other partitions and the part before it, then the part after it
            before = {p: r for p, r in ranges.items() if p != partition}
            if offset > start:
                before[partition] = (start, offset)
            after = {partition: (offset + 1, end)} if offset + 1 < end else {}
            pending.extend(r for r in (after, before) if r)
        emit("exact-records", batch=batch_id, reason="timestamp overflows Spark's microseconds", records=[f"{p}/{o}" for p, o in exact])
        return _concat(tables, self._exact_rows(spark, exact))

    def _with_exact_rows(self, spark, batch_id: int, rows: pa.Table) -> pa.Table:
        """Rows copy_rows.sql left null (an instant Spark's source rebased) replaced by exact ones."""
        column = rows.column("copy_row")
        if column.null_count == 0:
            return rows
        missing = pc.is_null(column)
        wanted = rows.filter(missing)
        found = list(zip(wanted.column("partition").to_pylist(), wanted.column("offset").to_pylist()))
        emit("exact-records", batch=batch_id, reason="instant before the Gregorian cut-over", records=[f"{p}/{o}" for p, o in found])
        return _concat([rows.filter(pc.invert(missing))], self._exact_rows(spark, found))

    def _exact_rows(self, spark, wanted: list[tuple[int, int]]) -> pa.Table:
        if self._exact is None:
            self._exact = ExactRecordReader(spark, self._config.kafka, self._config.topic)
        by_partition: dict[int, list[int]] = {}
        for p, o in wanted:
            by_partition.setdefault(p, []).append(o)
        records = [r for p, offsets in sorted(by_partition.items()) for r in self._exact.read(p, offsets)]
        return pa.table(
            {
                "partition": pa.array([r.partition for r in records], pa.int32()),
                "offset": pa.array([r.offset for r in records], pa.int64()),
                "copy_row": pa.array([copy_row(r, self._incarnation) for r in records], pa.binary()),
            }
        )

    def _batch_ranges(self, spark, ends: Mapping[int, int], next_start: Mapping[int, Optional[int]]) -> dict[int, tuple[int, int]]:
        """[first, end) of this batch per partition with records: the first offset is where the previous batch
        ended, or Kafka's first offset where Spark read from the earliest (or retention deleted records before)."""
        lows = partition_low_offsets(spark, self._config.kafka, self._config.topic)
        ranges = {}
        for p, end in ends.items():
            start, low = next_start.get(p), lows.get(p, 0)
            first = low if start is None else max(start, low)
            if end > first:
                ranges[p] = (first, end)
        return ranges

    def close(self) -> None:
        if self._exact is not None:
            try:
                self._exact.close()
            except Exception:  # noqa: BLE001 - the JVM may be going away with the job
                pass
            self._exact = None


def _concat(from_spark: list[pa.Table], exact: pa.Table) -> pa.Table:
    """Spark's rows and the driver's as one table, in Spark's Arrow schema."""
    if not from_spark:
        return exact
    schema = from_spark[0].schema
    return pa.concat_tables([t.cast(schema) for t in from_spark] + [exact.cast(schema)])
