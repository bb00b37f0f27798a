"""The design the exactly-once job did NOT take, kept to measure it (docs/spark.md):
executors append each micro-batch through JDBC into a staging table keyed by
batch id, then the driver moves the batch into raw.kafka_messages and advances
the offsets in one PostgreSQL transaction. Every row is written twice.

A benchmark prototype on a fresh topic and database: it fences the offsets
like the real job but does not trim partly landed batches. Environment as
plain_job.py plus TURNOVER_KAFKA_GROUP.
"""
import json
import os
import sys
import time

import psycopg
from pyspark.sql import SparkSession

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spark"))
from plain_job import LANDING_COLUMNS, jdbc_url  # noqa: E402
from turnover_spark.offset_log import batch_end_offsets  # noqa: E402

STAGING = "bench.spark_staging"


def emit(event, **fields):
    sys.stdout.write(json.dumps({"event": event, "time": round(time.time(), 3), **fields}) + "\n")
    sys.stdout.flush()


def main():
    topic, group = os.environ["TURNOVER_KAFKA_TOPIC"], os.environ["TURNOVER_KAFKA_GROUP"]
    checkpoint = os.environ["PLAIN_CHECKPOINT"]
    conn = psycopg.connect(os.environ["TURNOVER_STAGING_URL"], autocommit=True, cursor_factory=psycopg.RawCursor)
    conn.execute(
        f"create schema if not exists bench; create unlogged table if not exists {STAGING} "
        "(batch_id bigint not null, topic text, incarnation int, partition int, \"offset\" bigint, key bytea, value bytea, headers text, "
        "kafka_timestamp timestamptz, kafka_timestamp_ms bigint)"
    )
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sql", "landing", "advance_offsets.sql")) as f:
        advance = f.read()
    spark = SparkSession.builder.appName("staging-table-prototype").getOrCreate()
    url = jdbc_url(os.environ["TURNOVER_STAGING_URL"])
    rows = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", os.environ["TURNOVER_KAFKA_BROKERS"])
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("includeHeaders", "true")
        .option("maxOffsetsPerTrigger", os.environ.get("PLAIN_MAX_OFFSETS", "200000"))
        .load()
        .selectExpr(*LANDING_COLUMNS)
    )
    previous = {}

    def land(batch, batch_id):
        ends = batch_end_offsets(checkpoint, batch_id, topic)
        batch.selectExpr(f"cast({batch_id} as bigint) as batch_id", "*").write.format("jdbc").option("url", url).option(
            "dbtable", STAGING
        ).option("driver", "org.postgresql.Driver").option("batchsize", "10000").mode("append").save()
        parts = sorted(p for p in ends if ends[p] > previous.get(p, 0))
        with conn.transaction():
            moved = conn.execute(advance, [group, topic, 0, parts, [previous.get(p) for p in parts], [ends[p] for p in parts]]).fetchall()
            if len(moved) != len(parts):
                raise RuntimeError("offset conflict")
            conn.execute(
                "insert into raw.kafka_messages (topic, incarnation, partition, \"offset\", key, value, headers, kafka_timestamp, kafka_timestamp_ms) "
                f"select topic, incarnation, partition, \"offset\", key, value, headers::bytea[], kafka_timestamp, kafka_timestamp_ms from {STAGING} where batch_id = $1",
                [batch_id],
            )
            conn.execute(f"delete from {STAGING} where batch_id = $1", [batch_id])
        previous.update(ends)
        emit("batch-committed", batch=batch_id)

    query = rows.writeStream.foreachBatch(land).option("checkpointLocation", checkpoint).start()
    emit("running")
    query.awaitTermination()


if __name__ == "__main__":
    main()
