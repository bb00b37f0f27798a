"""The landing zone's write path for the Spark engine: one PostgreSQL connection
on the driver, one transaction per micro-batch holding its rows and its offsets.

It runs the same SQL files as the Node engine (sql/landing/read_offsets.sql,
advance_offsets.sql, incarnation_*.sql) with PostgreSQL's own $n placeholders
(psycopg RawCursor), so both engines fence offsets by one rule and can take
turns on one topic. Everything it reads and writes belongs to one incarnation
of the topic (`incarnation`, set once the job knows it: incarnation.py).

PostgreSQL's errors are handled by SQLSTATE class (sqlstate.py): a row
PostgreSQL refuses is quarantined in raw.landing_rejects, in the same
transaction as the offsets that move past it; an unavailable server is
retried; anything else stops the job with one line (docs/spark.md).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

import psycopg
import pyarrow as pa
import pyarrow.compute as pc

from .config import ConfigError
from .copy_row import COPY_COLUMNS, parse_row
from .fence import PartitionPlan, needs_filter, plan_batch
from .incarnation import Incarnation
from .sqlstate import classify_sql_error

COPY_SQL = f"copy raw.kafka_messages ({', '.join(COPY_COLUMNS)}) from stdin with (format binary)"
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
COPY_TRAILER = b"\xff\xff"
UNIQUE_VIOLATION = "23505"
# The primary keys that the offset fence alone must keep from ever being hit (as the Node engine: src/landing/landing-store.ts).
FENCED_KEYS = frozenset({"kafka_messages_pkey", "landing_rejects_pkey"})
DETAIL_MAX_CHARS = 2000
# PostgreSQL names the refused row of a COPY in the error's context: "COPY kafka_messages, line 3, ...".
_COPY_LINE = re.compile(r"COPY [^,]+, line (\d+)")


class Unavailable(Exception):
    """PostgreSQL cannot be reached right now: retry with back-off."""


class LandingRefused(Exception):
    """PostgreSQL refused the landing for a reason that is neither one record's data nor an outage: stop."""


class FenceBypassed(Exception):
    """A row of this batch is already landed although the offset fence said it was new: stop (exit 9)."""


@dataclass(frozen=True)
class Batch:
    batch_id: int
    # Per partition: (first offset of the batch or None when unknown, next offset after it).
    ranges: Mapping[int, tuple[Optional[int], int]]
    # Columns partition (int32), offset (int64), copy_row (binary: one COPY BINARY row).
    rows: pa.Table


@dataclass(frozen=True)
class Reject:
    partition: int
    offset: int
    reason: str
    sqlstate: str
    detail: str


@dataclass(frozen=True)
class Landed:
    rows: int
    plans: list[PartitionPlan]
    rejects: list[Reject] = field(default_factory=list)


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
        self._insert_reject = _sql(sql_dir, "insert_reject")
        self._incarnation_current = _sql(sql_dir, "incarnation_current")
        self._incarnation_first = _sql(sql_dir, "incarnation_first")
        self._incarnation_record_id = _sql(sql_dir, "incarnation_record_id")
        # The landing's incarnation of the topic every row, reject and offset of this job belongs to.
        self.incarnation: Optional[int] = None
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
                "select to_regclass('raw.kafka_messages') is not null and to_regclass('raw.consumer_offsets') is not null,"
                " to_regclass('raw.landing_rejects') is not null, to_regclass('raw.topic_incarnations') is not null"
            ).fetchone()
        except psycopg.Error as error:
            raise classify(error) from error
        if not row or not all(row):
            conn.close()
            missing = "missing" if not row or not row[0] else "older than this job (no raw.landing_rejects or raw.topic_incarnations)"
            raise ConfigError(f"the landing schema is {missing}: run `turnover migrate --only landing`")
        self._conn = conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def read_offsets(self, partitions: list[int]) -> dict[int, Optional[int]]:
        conn = self._ready()
        try:
            rows = conn.execute(self._read_offsets, [self._group, self._topic, self._current(), partitions]).fetchall()
        except psycopg.Error as error:
            raise self._fail(error) from error
        found = {int(p): (None if n is None else int(n)) for p, n in rows}
        return {p: found.get(p) for p in partitions}

    def current_incarnation(self, topic_id: Optional[str]) -> Optional[Incarnation]:
        """The landing's current incarnation of the topic; None when it has never seen the topic."""
        conn = self._ready()
        try:
            row = conn.execute(self._incarnation_current, [self._topic, topic_id]).fetchone()
        except psycopg.Error as error:
            raise self._fail(error) from error
        return None if row is None else Incarnation(int(row[0]), row[1], row[2])

    def record_topic_id(self, incarnation: Optional[int], topic_id: Optional[str]) -> None:
        """Kafka's topic id for a topic never seen (incarnation None: its incarnation 0), or for an incarnation without one."""
        conn = self._ready()
        try:
            if incarnation is None:
                conn.execute(self._incarnation_first, [self._topic, topic_id, self._group])
            else:
                conn.execute(self._incarnation_record_id, [self._topic, incarnation, topic_id])
        except psycopg.Error as error:
            raise self._fail(error) from error

    def _current(self) -> int:
        if self.incarnation is None:
            raise RuntimeError("the landing's incarnation of the topic is not known yet")
        return self.incarnation

    def land(self, batch: Batch, max_conflicts: int = 5) -> Landed:
        """Lands the batch exactly once (see fence.py); retries a transaction a concurrent writer fenced off.

        A data error of some row rolls the transaction back; it is then done again with each
        row's COPY isolated (savepoints), quarantining the rows PostgreSQL refuses."""
        isolate = False
        conflicts = 0
        while conflicts < max_conflicts:
            try:
                outcome = self._try_land(batch, isolate)
            except _RowRefused:
                isolate = True
                continue
            if outcome is not None:
                return outcome
            conflicts += 1
        raise Unavailable(f"batch {batch.batch_id}: {max_conflicts} conflicts in a row with another writer of this group")

    def _try_land(self, batch: Batch, isolate: bool) -> Optional[Landed]:
        conn = self._ready()
        partitions = sorted(batch.ranges)
        try:
            with conn.transaction():
                found = {int(p): (None if n is None else int(n)) for p, n in conn.execute(self._read_offsets, [self._group, self._topic, self._current(), partitions]).fetchall()}
                plans = plan_batch(batch.ranges, {p: found.get(p) for p in partitions})
                if not plans:
                    return Landed(0, [])
                advanced = conn.execute(
                    self._advance_offsets,
                    [self._group, self._topic, self._current(), [p.partition for p in plans], [p.expected for p in plans], [p.next for p in plans]],
                ).fetchall()
                if len(advanced) != len(plans):
                    raise _Conflict()
                rows = select_rows(batch, plans)
                if isolate:
                    rejects = self._copy_isolating(conn, rows)
                else:
                    self._copy(conn, (row_bytes(chunk) for chunk in rows.column("copy_row").chunks))
                    rejects = []
            return Landed(rows.num_rows - len(rejects), plans, rejects)
        except _Conflict:
            return None
        except psycopg.Error as error:
            kind = classify_sql_error(error)
            if is_fenced_key_hit(error):
                raise fence_bypassed(error) from error
            if kind == "conflict":
                return None
            if kind == "data" and not isolate:
                raise _RowRefused() from error  # the transaction is rolled back; the connection is fine
            raise self._fail(error) from error

    def _copy(self, conn: psycopg.Connection, parts: Iterable[memoryview | bytes]) -> None:
        with conn.cursor().copy(COPY_SQL) as copy:
            copy.write(COPY_SIGNATURE)
            for part in parts:
                copy.write(part)
            copy.write(COPY_TRAILER)

    def _copy_isolating(self, conn: psycopg.Connection, rows: pa.Table) -> list[Reject]:
        """COPY row ranges under savepoints, splitting a refused range until the refused rows stand alone.

        PostgreSQL's error context names the refused row of a COPY ("line N"): the range is split
        around it (the rows before it go in at once); without it, in halves."""
        parts = split_rows(rows.column("copy_row"))
        rejects: list[Reject] = []
        # deferred constraints and triggers fire per statement here, so a refusal points at its rows
        conn.execute("set constraints all immediate")
        pending = [(0, len(parts))]
        while pending:
            lo, hi = pending.pop()
            try:
                with conn.transaction():
                    self._copy(conn, parts[lo:hi])
                continue
            except psycopg.Error as error:
                if classify_sql_error(error) != "data" or is_fenced_key_hit(error):
                    raise
                if hi - lo == 1:
                    rejects.append(self._quarantine(conn, parts[lo], error))
                    continue
                line = copy_line(error)
            if line is not None and 1 <= line <= hi - lo:
                refused = lo + line - 1
                pieces = [(lo, refused), (refused, refused + 1), (refused + 1, hi)]
            else:
                middle = (lo + hi) // 2
                pieces = [(lo, middle), (middle, hi)]
            # a stack: push in reverse so that ranges are copied in offset order
            pending.extend(reversed([p for p in pieces if p[1] > p[0]]))
        return rejects

    def _quarantine(self, conn: psycopg.Connection, row: memoryview, error: psycopg.Error) -> Reject:
        """The refused row into raw.landing_rejects with its reason and what of its bytes PostgreSQL takes:
        all of them, else without the value (e.g. past bytea's 1 GB), else the coordinates alone."""
        record = parse_row(bytes(row))
        state = error.sqlstate or ""
        reject = Reject(record.partition, record.offset, reason_for_state(state), state, sanitize(f"PostgreSQL refused the row: {describe(error)}"))
        headers = None if record.headers is None else [[name, value] for name, value in record.headers]
        value_length = None if record.value is None else len(record.value)
        levels = (
            (reject.detail, record.key, record.value, headers),
            (sanitize(f"{reject.detail} (the value could not be kept either)"), record.key, None, headers),
            (sanitize(f"{reject.detail} (the key, value and headers could not be kept either)"), None, None, None),
        )
        for detail, key, value, kept_headers in levels:
            try:
                with conn.transaction():
                    conn.execute(
                        self._insert_reject,
                        [record.topic, self._current(), record.partition, record.offset, reject.reason, reject.sqlstate, detail,
                         key, value, value_length, kept_headers, record.timestamp_ms],
                    )
                return reject
            except psycopg.Error as refused:
                if classify_sql_error(refused) != "data" or is_fenced_key_hit(refused):
                    raise
        raise LandingRefused(f"partition {record.partition} offset {record.offset}: raw.landing_rejects refused even its coordinates ({reject.detail})")

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


class _RowRefused(Exception):
    """A row of the batch was refused: land the batch again with its rows isolated."""


def classify(error: psycopg.Error) -> Exception:
    kind = classify_sql_error(error)
    message = first_line(error)
    if kind == "config":
        hint = ": run `turnover migrate --only landing`" if error.sqlstate == "42P01" else ""
        return ConfigError(f"PostgreSQL: {message}{hint}")
    # a failed connection attempt carries no SQLSTATE: its message tells
    if error.sqlstate is None and ("password authentication failed" in message or "does not exist" in message):
        return ConfigError(f"PostgreSQL: {message}")
    if kind == "unavailable":
        return Unavailable(f"PostgreSQL unavailable: {message}")
    state = f" with SQLSTATE {error.sqlstate}" if error.sqlstate else ""
    return LandingRefused(f"PostgreSQL refused the landing{state}: {describe(error)}")


def is_fenced_key_hit(error: psycopg.Error) -> bool:
    return error.sqlstate == UNIQUE_VIOLATION and error.diag.constraint_name in FENCED_KEYS


def fence_bypassed(error: psycopg.Error) -> FenceBypassed:
    return FenceBypassed(
        f"a landed row is already there for an offset the fence said was new: {describe(error)}. "
        "Two groups landing one topic, offsets moved back by hand, or a bug; nothing of the batch was written (docs/spark.md)"
    )


def reason_for_state(state: str) -> str:
    """raw.landing_rejects.reason of a refused row, as the Node engine names them."""
    if state.startswith("54"):
        return "program_limit"
    if state.startswith("23"):
        return "constraint_violation"
    return "data_error"


def first_line(error: BaseException) -> str:
    return str(error).strip().split("\n")[0]


def describe(error: psycopg.Error) -> str:
    """PostgreSQL's message with its detail, on one line."""
    detail = error.diag.message_detail
    return f"{first_line(error)} ({' '.join(detail.split())})" if detail else first_line(error)


def copy_line(error: psycopg.Error) -> Optional[int]:
    match = _COPY_LINE.search(error.diag.context or "")
    return int(match.group(1)) if match else None


def sanitize(text: str) -> str:
    """Readable in a text column whatever the message quotes: no NUL, valid UTF-8, bounded."""
    return text.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode("utf-8")[:DETAIL_MAX_CHARS]


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


def _offsets_and_data(chunk: pa.Array) -> tuple[memoryview, memoryview]:
    _, offsets, data = chunk.buffers()
    width = "q" if pa.types.is_large_binary(chunk.type) else "i"
    return memoryview(offsets).cast(width), memoryview(data) if data is not None else memoryview(b"")


def row_bytes(chunk: pa.Array) -> memoryview:
    """The concatenated values of a binary Arrow array (no nulls), without copying them."""
    if len(chunk) == 0:
        return memoryview(b"")
    positions, data = _offsets_and_data(chunk)
    start, end = positions[chunk.offset], positions[chunk.offset + len(chunk)]
    return data[start:end]


def split_rows(column: pa.ChunkedArray) -> list[memoryview]:
    """Each value of a binary Arrow column on its own (no copies): the isolating COPY's unit."""
    parts: list[memoryview] = []
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        positions, data = _offsets_and_data(chunk)
        for i in range(chunk.offset, chunk.offset + len(chunk)):
            parts.append(data[positions[i] : positions[i + 1]])
    return parts
