"""The Spark session and the streaming query of the job."""
from __future__ import annotations

import json
from typing import Mapping, Optional

from pyspark.sql import DataFrame, SparkSession

from .config import JobConfig, source_options

# Session settings the encoding SQL relies on (spark/sql/copy_rows.sql).
REQUIRED_SQL_CONF = {
    "spark.sql.ansi.enabled": "false",
}

# Settings of ours, read from the Spark conf (`--conf spark.turnover.<name>=...`).
DEFAULT_MAX_RECORDS_PER_BATCH = 200_000

# Larger fetches than the Kafka client's defaults (1 MB per partition, 64 kB socket buffer):
# reading is most of a batch's time, and these read the same records in fewer round trips
# (bench/spark: about 1.5-2x faster reads here). Any TURNOVER_* setting wins over them.
FETCH_OPTIONS = {
    "kafka.max.partition.fetch.bytes": str(8 * 1024 * 1024),
    "kafka.fetch.max.bytes": str(64 * 1024 * 1024),
    "kafka.receive.buffer.bytes": str(1024 * 1024),
}


def build_session() -> SparkSession:
    spark = SparkSession.builder.appName("turnover-ingest").getOrCreate()
    for key, value in REQUIRED_SQL_CONF.items():
        spark.conf.set(key, value)
    return spark


def setting(spark: SparkSession, name: str, default: Optional[str]) -> Optional[str]:
    value = spark.sparkContext.getConf().get(f"spark.turnover.{name}", default)
    return value if value != "" else default


def _source(reader, config: JobConfig):
    """The Kafka source's options shared by the stream and the batch reads of exact_records' recovery."""
    return (
        reader.format("kafka")
        .options(**{**FETCH_OPTIONS, **source_options(config.kafka)})
        .option("includeHeaders", "true")
        # Spark's consumers never commit; a prefix of the group name keeps ACLs that allow "<group>*" working.
        .option("groupIdPrefix", f"{config.group}-spark")
        .option("failOnDataLoss", "true")
    )


def kafka_stream(spark: SparkSession, config: JobConfig, starting: Mapping[int, int], max_records: int) -> DataFrame:
    """The topic as a stream, starting where PostgreSQL says (-2 = earliest)."""
    reader = (
        _source(spark.readStream, config)
        .option("subscribe", config.topic)
        .option("startingOffsets", json.dumps({config.topic: {str(p): o for p, o in starting.items()}}) if starting else "earliest")
    )
    if max_records > 0:
        reader = reader.option("maxOffsetsPerTrigger", str(max_records))
    return reader.load()


def kafka_ranges(spark: SparkSession, config: JobConfig, topic: str, ranges: Mapping[int, tuple[int, int]]) -> DataFrame:
    """Offsets [start, end) of some partitions as a batch read, with the stream's options."""
    return (
        _source(spark.read, config)
        .option("assign", json.dumps({topic: sorted(ranges)}))
        .option("startingOffsets", json.dumps({topic: {str(p): s for p, (s, _) in ranges.items()}}))
        .option("endingOffsets", json.dumps({topic: {str(p): e for p, (_, e) in ranges.items()}}))
        .load()
    )
