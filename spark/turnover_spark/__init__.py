"""The Spark engine of `turnover ingest`: Kafka -> raw landing, exactly once (docs/spark.md)."""
