"""One run of the job: start offsets from PostgreSQL, the streaming query, and
the hand-over of each micro-batch to the landing writer (docs/spark.md)."""
from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Optional

import pyarrow.compute as pc

from .collect import BatchCollector
from .config import JobConfig
from .events import emit
from .incarnation import not_fitting, past_end
from .kafka_admin import TopicAdmin, TopicState
from .landing import Batch, Landed, LandingStore, Unavailable
from .offset_log import batch_end_offsets
from .retry import TRANSACTION, Backoff


class Stopped(Exception):
    """The run was asked to stop (SIGTERM / SIGINT / launcher gone)."""


class IngestRun:
    def __init__(
        self,
        config: JobConfig,
        store: LandingStore,
        checkpoint_dir: str,
        encode_sql: str,
        stop: threading.Event,
        admin: TopicAdmin,
        topic: TopicState,
    ):
        self._config = config
        self._store = store
        self._checkpoint_dir = checkpoint_dir
        assert store.incarnation is not None
        self._collector = BatchCollector(config, encode_sql, store.incarnation)
        self._stop = stop
        self._admin = admin
        # the topic as the job found it at start (incarnation.enter_incarnation): its id must not change
        self._topic = topic
        # First offset of the next batch per partition; None = unknown (Spark reads it from the earliest offset).
        self._next_start: dict[int, Optional[int]] = {}
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="landing")
        self._pending: Optional[Future] = None
        self._lock = threading.Lock()
        self.landed = 0
        self.rejected = 0
        self.batches = 0
        # PostgreSQL's next offsets as far as this run knows them (for lag).
        self.committed: dict[int, int] = {}

    def starting_offsets(self) -> dict[int, int]:
        """Where the query starts: PostgreSQL's next offsets, earliest (-2) for partitions without a row.
        A next offset past the end of its partition's log stops the job (the launcher judges again)."""
        lows = {p: low for p, (low, _) in self._topic.bounds.items()}
        landed = self._store.read_offsets(sorted(lows))
        truncated = past_end(self._config.topic, self._store.incarnation or 0, landed, self._topic.bounds)
        if truncated is not None:
            raise not_fitting(truncated, self._config.incarnation is None)
        starting: dict[int, int] = {}
        shown: dict[str, object] = {}
        for p in sorted(lows):
            n, low = landed.get(p), lows[p]
            if n is None:
                starting[p] = -2
                self._next_start[p] = None
                shown[str(p)] = f"earliest ({low})"
                continue
            if n < low:
                # the launcher logs and counts it as the Node engine does (src/ingest/spark-offsets.ts)
                emit("retention-gap", partition=p, **{"from": n, "to": low})
            starting[p] = max(n, low)
            # The fence plans from PostgreSQL's n: a retention jump (n < low) is accepted here, once, knowingly.
            self._next_start[p] = n
            self.committed[p] = n
            shown[str(p)] = n
        emit("starting", partitions=shown)
        return starting

    def on_batch(self, df, batch_id: int) -> None:
        """foreachBatch: pull the batch to the driver, then hand it to the writer thread."""
        if self._stop.is_set():
            raise Stopped()
        started = time.monotonic()
        ends = batch_end_offsets(self._checkpoint_dir, batch_id, self._config.topic)
        emit("batch-start", batch=batch_id)
        # the topic's id before and after the records are read: both the one the job started with, or
        # the records may come from a topic recreated under the same name (its offsets restart)
        self.check_topic()
        rows = self._collector.collect(df, batch_id, ends, self._next_start)
        self.check_topic()
        counts = _rows_per_partition(rows)
        ranges = {}
        for p, end in ends.items():
            start = self._next_start.get(p)
            if start is None and counts.get(p, 0) == 0:
                continue  # a partition never read yet, with nothing in it: nothing to record
            ranges[p] = (start, end)
        batch = Batch(batch_id, ranges, rows)
        emit("batch-collected", batch=batch_id, rows=rows.num_rows, seconds=round(time.monotonic() - started, 3))
        self._wait_pending()
        if self._stop.is_set():
            raise Stopped()  # abandoned: PostgreSQL does not have it, the next run reads it again
        self._pending = self._writer.submit(self._write, batch)
        for p in ranges:
            self._next_start[p] = ranges[p][1]

    def check_topic(self) -> None:
        """Raises OffsetsDoNotFit when Kafka's topic id is not the one the job started with."""
        now = self._admin.topic_id()
        if now != self._topic.topic_id:
            raise not_fitting(
                f"topic {self._config.topic} was deleted and created again while the job ran: Kafka's topic id is now {now or 'none (no such topic)'}, "
                f"the job started under {self._topic.topic_id} (incarnation {self._store.incarnation})",
                self._config.incarnation is None,
            )

    def check_writer(self) -> None:
        """Raises the landing thread's failure (bad configuration, a gap) without waiting for the next batch."""
        pending = self._pending
        if pending is not None and pending.done() and pending.exception() is not None:
            raise pending.exception()

    def _wait_pending(self) -> None:
        """At most one batch is being written while the next is pulled: memory holds two batches."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def _write(self, batch: Batch) -> None:
        started = time.monotonic()
        backoff = Backoff(TRANSACTION)
        while True:
            try:
                landed: Landed = self._store.land(batch)
                break
            except Unavailable as error:
                if self._stop.is_set():
                    raise Stopped() from error
                wait = backoff.next_s()
                emit("warning", message=f"{error}; retrying batch {batch.batch_id} in {wait:.2f}s")
                self._stop.wait(wait)
        for reject in landed.rejects:
            emit(
                "quarantined",
                batch=batch.batch_id,
                partition=reject.partition,
                offset=reject.offset,
                reason=reject.reason,
                sqlstate=reject.sqlstate,
                detail=reject.detail,
            )
        with self._lock:
            self.landed += landed.rows
            self.rejected += len(landed.rejects)
            self.batches += 1
            for plan in landed.plans:
                self.committed[plan.partition] = plan.next
        emit(
            "batch-committed",
            batch=batch.batch_id,
            rows=landed.rows,
            rejected=len(landed.rejects),
            skipped=batch.rows.num_rows - landed.rows - len(landed.rejects),
            seconds=round(time.monotonic() - started, 3),
            offsets={str(p.partition): p.next for p in landed.plans},
        )

    def finish(self, timeout_s: float) -> bool:
        """Waits for the batch being written (graceful stop); False when it was given up."""
        pending = self._pending
        self._writer.shutdown(wait=False)
        self._collector.close()
        if pending is None:
            return True
        try:
            pending.result(timeout=timeout_s)
            return True
        except Exception:
            return False

    def progress(self, query, last: dict) -> None:
        now = time.monotonic()
        with self._lock:
            landed, committed = self.landed, dict(self.committed)
        rate = (landed - last.get("landed", 0)) / max(1e-3, now - last.get("at", now - 1))
        last.update(landed=landed, at=now)
        lag = _lag(query, self._config.topic, committed)
        emit("progress", landed=landed, rate=round(rate), lag=lag, partitions=sorted(committed), rssMb=_rss_mb())


def _rows_per_partition(rows) -> dict[int, int]:
    if rows.num_rows == 0:
        return {}
    counts = pc.value_counts(rows.column("partition"))
    return {int(item["values"]): int(item["counts"]) for item in counts.to_pylist()}


def _lag(query, topic: str, committed: dict[int, int]) -> Optional[int]:
    try:
        progress = query.lastProgress
        if progress is None:
            return None
        data = json.loads(progress.json) if hasattr(progress, "json") else progress
        latest = data["sources"][0].get("latestOffset")
        latest = json.loads(latest) if isinstance(latest, str) else latest
        ends = latest.get(topic, {}) if latest else {}
        return sum(max(0, int(end) - committed.get(int(p), 0)) for p, end in ends.items())
    except Exception:
        return None


def _rss_mb() -> int:
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0
