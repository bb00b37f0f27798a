"""The landing zone's write path for the Spark engine: one PostgreSQL connection
on the driver, one transaction per micro-batch holding its rows and its offsets.

It runs the same SQL files as the Node engine (sql/landing/read_offsets.sql,
advance_offsets.sql) with PostgreSQL's own $n placeholders (psycopg RawCursor),
so both engines fence offsets by one rule and can take turns on one topic.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

import psycopg
import pyarrow as pa
import pyarrow.compute as pc

from .config import ConfigError
from .fence import PartitionPlan, needs_filter, plan_batch

COPY_SQL = (
    "copy raw.kafka_messages (topic, partition, \"offset\", key, value, headers, kafka_timestamp) "
    "from stdin with (format binary)"
)
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"

# A concurrent writer got there first: re-read the offsets and plan again.
CONFLICT_STATES = {"23505", "40P01", "40001"}
# Retrying cannot fix these: credentials, database, privileges, missing tables.
CONFIG_STATES = {"28P01", "28000", "3D000", "42501", "42P01", "3F000"}


class Unavailable(Exception):
    """PostgreSQL cannot be reached right now: retry with back-off."""


@dataclass(frozen=True)
class Batch:
    batch_id: int
    # Per partition: (first offset of the batch or None when unknown, next offset after it).
    ranges: Mapping[int, tuple[Optional[int], int]]
    # Columns partition (int32), offset (int64), copy_row (binary: one COPY BINARY row).
    rows: pa.Table


@dataclass(frozen=True)
class Landed:
    rows: int
    plans: list[PartitionPlan]


def _sql(sql_dir: str, name: str) -> str:
    with open(os.path.join(sql_dir, "landing", f"{name}.sql"), encoding="utf-8") as f:
        return f.read()


class LandingStore:
    def __init__(self, url: str, group: str, topic: str, sql_dir: str):
        self._url = url
        self._group = group
        self._topic = topic
        self._read_offsets = _sql(sql_dir, "read_offsets")
        self._advance_offsets = _sql(sql_dir, "advance_offsets")
        self._conn: Optional[psycopg.Connection] = None

    def connect(self) -> None:
        if self._conn is not None and not self._conn.closed:
            return
        try:
            conn = psycopg.connect(
                self._url,
                autocommit=True,
                cursor_factory=psycopg.RawCursor,
                application_name="turnover-ingest-spark",
                connect_timeout=10,
            )
            row = conn.execute(
                "select to_regclass('raw.kafka_messages') is not null and to_regclass('raw.consumer_offsets') is not null"
            ).fetchone()
        except psycopg.Error as error:
            raise classify(error) from error
        if not row or not row[0]:
            conn.close()
            raise ConfigError("the landing schema is missing: run `turnover migrate --only landing`")
        self._conn = conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def read_offsets(self, partitions: list[int]) -> dict[int, Optional[int]]:
        conn = self._ready()
        try:
            rows = conn.execute(self._read_offsets, [self._group, self._topic, partitions]).fetchall()
        except psycopg.Error as error:
            raise self._fail(error) from error
        found = {int(p): (None if n is None else int(n)) for p, n in rows}
        return {p: found.get(p) for p in partitions}

    def land(self, batch: Batch, max_conflicts: int = 5) -> Landed:
        """Lands the batch exactly once (see fence.py); retries a transaction a concurrent writer fenced off."""
        for _ in range(max_conflicts):
            outcome = self._try_land(batch)
            if outcome is not None:
                return outcome
        raise Unavailable(f"batch {batch.batch_id}: {max_conflicts} conflicts in a row with another writer of this group")

    def _try_land(self, batch: Batch) -> Optional[Landed]:
        conn = self._ready()
        partitions = sorted(batch.ranges)
        try:
            with conn.transaction():
                found = {int(p): (None if n is None else int(n)) for p, n in conn.execute(self._read_offsets, [self._group, self._topic, partitions]).fetchall()}
                plans = plan_batch(batch.ranges, {p: found.get(p) for p in partitions})
                if not plans:
                    return Landed(0, [])
                advanced = conn.execute(
                    self._advance_offsets,
                    [self._group, self._topic, [p.partition for p in plans], [p.expected for p in plans], [p.next for p in plans]],
                ).fetchall()
                if len(advanced) != len(plans):
                    raise _Conflict()
                rows = select_rows(batch, plans)
                with conn.cursor().copy(COPY_SQL) as copy:
                    copy.write(COPY_SIGNATURE)
                    for chunk in rows.column("copy_row").chunks:
                        copy.write(row_bytes(chunk))
                    copy.write(COPY_TRAILER)
            return Landed(rows.num_rows, plans)
        except _Conflict:
            return None
        except psycopg.Error as error:
            if error.sqlstate in CONFLICT_STATES:
                return None
            raise self._fail(error) from error

    def _ready(self) -> psycopg.Connection:
        self.connect()
        assert self._conn is not None
        return self._conn

    def _fail(self, error: psycopg.Error) -> Exception:
        """After a failure the connection's state is unknown: drop it."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                pass
        return classify(error)


class _Conflict(Exception):
    pass


def classify(error: psycopg.Error) -> Exception:
    state = getattr(error, "sqlstate", None)
    message = str(error).strip().split("\n")[0]
    if state in CONFIG_STATES:
        hint = ": run `turnover migrate --only landing`" if state == "42P01" else ""
        return ConfigError(f"PostgreSQL: {message}{hint}")
    if "password authentication failed" in message or "does not exist" in message:
        return ConfigError(f"PostgreSQL: {message}")
    return Unavailable(f"PostgreSQL unavailable: {message}")


def select_rows(batch: Batch, plans: list[PartitionPlan]) -> pa.Table:
    """The batch's rows that land: all of them, unless a partition is skipped or trimmed."""
    if not needs_filter(plans, batch.ranges):
        return batch.rows
    partition = batch.rows.column("partition")
    offset = batch.rows.column("offset")
    mask = None
    for plan in plans:
        keep = pc.equal(partition, plan.partition)
        if plan.land_from is not None:
            keep = pc.and_(keep, pc.greater_equal(offset, plan.land_from))
        mask = keep if mask is None else pc.or_(mask, keep)
    return batch.rows.filter(mask) if mask is not None else batch.rows.slice(0, 0)


def row_bytes(chunk: pa.Array) -> memoryview:
    """The concatenated values of a binary Arrow array (no nulls), without copying them."""
    if len(chunk) == 0:
        return memoryview(b"")
    _, offsets, data = chunk.buffers()
    width = "q" if pa.types.is_large_binary(chunk.type) else "i"
    positions = memoryview(offsets).cast(width)
    start, end = positions[chunk.offset], positions[chunk.offset + len(chunk)]
    return memoryview(data)[start:end]
