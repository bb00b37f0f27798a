"""The reference of SPEC §6: plain Structured Streaming, Kafka -> foreachBatch -> JDBC append.

At-least-once by construction: each Kafka partition's slice of a micro-batch
commits on its own (one JDBC transaction per task), and after a crash Spark
replays the last uncommitted batch whole from its checkpoint. Same source
options and same target columns as the exactly-once job, so the two compare
like with like. Configuration (environment): TURNOVER_KAFKA_BROKERS,
TURNOVER_KAFKA_TOPIC, TURNOVER_STAGING_URL, PLAIN_TABLE, PLAIN_CHECKPOINT,
PLAIN_MAX_OFFSETS (0 = unlimited).
"""
import json
import os
import sys
import time
from urllib.parse import urlparse

from pyspark.sql import SparkSession


# raw.kafka_messages' columns from the Kafka source, as JDBC can write them (stringtype=unspecified lets
# PostgreSQL parse text into the column's type): headers as the text of a bytea[n][2] array literal,
# {{"\\x<name hex>","\\x<value hex>"|NULL},...}, null when there are none.
BACKSLASH = "chr(92)"
BYTEA_ELEMENT = "concat('\"', {b}, {b}, 'x', hex({{}}), '\"')".format(b=BACKSLASH)
LANDING_COLUMNS = (
    "topic",
    # a fresh topic: the landing's incarnation 0 (landing migration 0003)
    "0 as incarnation",
    "partition",
    "offset",
    "key",
    "value",
    "case when headers is null or size(headers) = 0 then null else concat('{', array_join(transform(headers, h -> concat('{', "
    + BYTEA_ELEMENT.format("encode(h.key, 'UTF-8')")
    + ", ',', if(h.value is null, 'NULL', "
    + BYTEA_ELEMENT.format("h.value")
    + "), '}')), ','), '}') end as headers",
    "timestamp as kafka_timestamp",
    "unix_millis(timestamp) as kafka_timestamp_ms",
)


def emit(event, **fields):
    sys.stdout.write(json.dumps({"event": event, "time": round(time.time(), 3), **fields}) + "\n")
    sys.stdout.flush()


def jdbc_url(url):
    u = urlparse(url)
    query = f"user={u.username or 'postgres'}&reWriteBatchedInserts=true&stringtype=unspecified"
    if u.password:
        query += f"&password={u.password}"
    return f"jdbc:postgresql://{u.hostname}:{u.port or 5432}{u.path}?{query}"


def main():
    emit("started", pid=os.getpid())
    spark = SparkSession.builder.appName("plain-structured-streaming").getOrCreate()
    url = jdbc_url(os.environ["TURNOVER_STAGING_URL"])
    table = os.environ.get("PLAIN_TABLE", "raw.kafka_messages")
    reader = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", os.environ["TURNOVER_KAFKA_BROKERS"])
        .option("subscribe", os.environ["TURNOVER_KAFKA_TOPIC"])
        .option("startingOffsets", "earliest")
        .option("includeHeaders", "true")
    )
    max_offsets = int(os.environ.get("PLAIN_MAX_OFFSETS", "0"))
    if max_offsets > 0:
        reader = reader.option("maxOffsetsPerTrigger", str(max_offsets))
    rows = reader.load().selectExpr(*LANDING_COLUMNS)

    def append(batch, batch_id):
        (
            batch.write.format("jdbc")
            .option("url", url)
            .option("dbtable", table)
            .option("driver", "org.postgresql.Driver")
            .option("batchsize", "10000")
            .mode("append")
            .save()
        )
        emit("batch-committed", batch=batch_id)

    query = rows.writeStream.foreachBatch(append).option("checkpointLocation", os.environ["PLAIN_CHECKPOINT"]).start()
    emit("running")
    query.awaitTermination()


if __name__ == "__main__":
    main()
