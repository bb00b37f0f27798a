"""`turnover ingest --engine spark`: Kafka -> PostgreSQL raw landing, exactly once.

Submitted by the launcher (src/ingest/engines/spark/), or by hand:
    spark-submit --jars <connector jars> spark/ingest_job.py
with the same TURNOVER_* environment as `turnover ingest`. How it works and why
it is exactly-once: docs/spark.md. Events for the launcher go to stdout as
JSON lines; exit status 0 after SIGTERM/SIGINT, 3 bad configuration,
5 a server unavailable, 8 an offset gap, 9 the landing's offsets no longer
fit Kafka's log (the topic was recreated, the log truncated: the launcher
judges again) or a row already landed for an offset the fence said was new,
1 anything else (among them PostgreSQL refusing the landing for a reason
that is not one record's data).
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from turnover_spark.config import ConfigError, job_config  # noqa: E402
from turnover_spark.events import emit  # noqa: E402
from turnover_spark.fence import GapError  # noqa: E402
from turnover_spark.incarnation import OffsetsDoNotFit, enter_incarnation  # noqa: E402
from turnover_spark.kafka_admin import TopicAdmin  # noqa: E402
from turnover_spark.landing import FenceBypassed, LandingRefused, LandingStore, Unavailable  # noqa: E402
from turnover_spark.retry import CONNECT, Backoff  # noqa: E402
from turnover_spark.run import IngestRun, Stopped  # noqa: E402
from turnover_spark.session import DEFAULT_MAX_RECORDS_PER_BATCH, build_session, kafka_stream, setting  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
STOP_TIMEOUT_S = 30
EXIT = {"config": 3, "unavailable": 5, "gap": 8, "offset-mismatch": 9, "offsets-do-not-fit": 9, "refused": 1, "internal": 1}


def main() -> int:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    emit("started", pid=os.getpid())
    try:
        return ingest(stop)
    except ConfigError as error:
        return fail("config", str(error))
    except Unavailable as error:
        return fail("unavailable", str(error))
    except GapError as error:
        return fail("gap", str(error))
    except LandingRefused as error:
        return fail("refused", str(error))
    except FenceBypassed as error:
        return fail("offset-mismatch", str(error))
    except OffsetsDoNotFit as error:
        return fail("offsets-do-not-fit", str(error))
    except Exception as error:  # noqa: BLE001 - the launcher turns this into one line
        traceback.print_exc()
        return fail("internal", summary(error))


def summary(error: BaseException) -> str:
    """One line for an error that Spark wrapped in pages of stack traces: the root cause's first line."""
    text = str(error)
    causes = re.findall(r"Caused by: ([\w.$]+(?:Exception|Error)[^\n]*(?:\n(?!\s+at )[^\n]+)?)", text)
    python = re.findall(r"^(\w+(?:Error|Exception): [^\n]+)$", text, flags=re.MULTILINE)
    line = causes[0] if causes else python[-1] if python else f"{type(error).__name__}: {text.strip()}"
    return " ".join(line.split())[:400]


def fail(kind: str, message: str) -> int:
    emit("error", kind=kind, message=message)
    return EXIT[kind]


def ingest(stop: threading.Event) -> int:
    config = job_config()
    watch_launcher(config.launcher_pid, stop)
    store = LandingStore(config.staging_url, config.group, config.topic, config.sql_dir)
    connect_patiently(store, stop)
    if stop.is_set():
        return 0
    spark = build_session()
    emit("session", master=spark.sparkContext.master)
    checkpoint_dir = setting(spark, "checkpointDir", None) or default_checkpoint_dir(config.group, config.topic)
    lock = take_checkpoint(checkpoint_dir)
    max_records = int(setting(spark, "maxRecordsPerBatch", str(DEFAULT_MAX_RECORDS_PER_BATCH)))
    with open(os.path.join(HERE, "sql", "copy_rows.sql"), encoding="utf-8") as f:
        encode_sql = f.read()
    admin = TopicAdmin(spark, config.kafka, config.topic)
    query = None
    try:
        current, topic = enter_incarnation(store, admin, config.topic, config.incarnation, config.topic_id)
        store.incarnation = current.incarnation
        emit("incarnation", incarnation=current.incarnation, topicId=topic.topic_id)
        run = IngestRun(config, store, checkpoint_dir, encode_sql, stop, admin, topic)
        starting = run.starting_offsets()
        query = (
            kafka_stream(spark, config, starting, max_records)
            .writeStream.queryName("turnover-ingest")
            .option("checkpointLocation", checkpoint_dir)
            .foreachBatch(run.on_batch)
            .start()
        )
        emit("running", topic=config.topic, group=config.group, maxRecordsPerBatch=max_records, checkpoint=checkpoint_dir)
        last: dict = {}
        next_progress = 0.0
        while not stop.is_set() and query.isActive:
            try:
                query.awaitTermination(0.5)
            except Exception as error:
                if stop.is_set():
                    break  # the batch abandoned on purpose (Stopped) ended the query: still a graceful stop
                failure(error, run)
                raise
            run.check_writer()
            if config.progress_interval_s > 0:
                if time.monotonic() >= next_progress:
                    if next_progress:
                        run.progress(query, last)
                    else:
                        last.update(landed=0, at=time.monotonic())
                    next_progress = time.monotonic() + config.progress_interval_s
        if stop.is_set():
            # Graceful stop: no new batch; the batch being written commits (or is rolled back after the timeout).
            query.stop()
            finished = run.finish(STOP_TIMEOUT_S)
            if not finished:
                emit("warning", message="the last batch did not commit in time; it is rolled back and will be read again")
            emit("stopped", landed=run.landed, rejected=run.rejected, batches=run.batches)
            return 0
        error = query.exception()
        failure(error, run)
        raise RuntimeError(f"the streaming query ended: {error}")
    finally:
        admin.close()
        store.close()
        lock.close()


def failure(error, run: IngestRun) -> None:
    """Raises what ended the query when it is ours (wrapped by Spark), or OffsetsDoNotFit when the topic
    was recreated under it (Spark's source then fails on offsets that went backwards); returns otherwise."""
    cause = unwrap(error)
    if cause is not None:
        raise cause
    run.check_topic()


def unwrap(error) -> Exception | None:
    """A failure of ours inside foreachBatch comes back wrapped by Spark; find which one it was."""
    text = str(error) if error is not None else ""
    for kind in (ConfigError, Unavailable, GapError, LandingRefused, FenceBypassed, OffsetsDoNotFit):
        match = re.search(rf"{kind.__name__}: ([^\n]+)", text)
        if match:
            return kind(match.group(1).strip())
    return None


def connect_patiently(store: LandingStore, stop: threading.Event) -> None:
    backoff = Backoff(CONNECT)
    while not stop.is_set():
        try:
            store.connect()
            return
        except Unavailable as error:
            wait = backoff.next_s()
            emit("warning", message=f"{error}; retrying in {wait:.1f}s")
            stop.wait(wait)


def default_checkpoint_dir(group: str, topic: str) -> str:
    safe = lambda s: re.sub(r"[^A-Za-z0-9._-]+", "_", s)  # noqa: E731
    return os.path.join(tempfile.gettempdir(), f"turnover-spark-{os.getuid()}", safe(group), safe(topic))


def take_checkpoint(directory: str):
    """The checkpoint is disposable (PostgreSQL holds the offsets): wiped at every start, under a lock
    so that two jobs never share one."""
    os.makedirs(os.path.dirname(directory), exist_ok=True)
    lock = open(directory + ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise ConfigError(f"another Spark ingest job uses the checkpoint {directory}: set spark.turnover.checkpointDir")
    shutil.rmtree(directory, ignore_errors=True)
    return lock


def watch_launcher(pid: int | None, stop: threading.Event) -> None:
    """When the launcher (`turnover ingest`) is gone, stop too instead of running unsupervised."""
    if not pid:
        return

    def watch() -> None:
        while not stop.wait(1.0):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                emit("warning", message=f"the launcher (pid {pid}) is gone; stopping")
                stop.set()
            except PermissionError:
                pass

    threading.Thread(target=watch, name="launcher-watch", daemon=True).start()


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code) if code != 0 else sys.exit(0)
