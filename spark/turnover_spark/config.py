"""The job's configuration: the canonical TURNOVER_* environment variables of SPEC §5.

The job reads the same variables as `turnover ingest` (the launcher resolves
flags into them), so it can also be submitted with a plain `spark-submit`.
Secrets (the SASL password, a password in the staging URL) reach it through
the environment only: never on a command line that `ps` shows.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Optional


class ConfigError(Exception):
    """Bad configuration: retrying cannot help (exit status 3, like the CLI)."""


MECHANISMS = {
    "plain": ("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
    "scram-sha-256": ("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
    "scram-sha-512": ("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule"),
}
PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")


@dataclass(frozen=True)
class JobConfig:
    topic: str
    group: str
    staging_url: str
    # Kafka client properties (without the source's "kafka." prefix); may hold the password.
    kafka: Mapping[str, str] = field(repr=False)
    sql_dir: str
    progress_interval_s: int
    launcher_pid: Optional[int]
    # The landing's incarnation of the topic and Kafka's topic id the launcher checked
    # (src/ingest/spark-offsets.ts); None when the job was submitted by hand.
    incarnation: Optional[int] = None
    topic_id: Optional[str] = None


def jaas_quote(text: str) -> str:
    """A JAAS option value: Kafka's parser reads a double-quoted string with backslash escapes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kafka_properties(env: Mapping[str, str]) -> dict[str, str]:
    """TURNOVER_KAFKA_* as Kafka client properties (the same defaults as src/kafka/kafka-config.ts)."""
    brokers = [b.strip() for b in env.get("TURNOVER_KAFKA_BROKERS", "").split(",") if b.strip()]
    if not brokers:
        raise ConfigError("no Kafka brokers: set TURNOVER_KAFKA_BROKERS, e.g. 127.0.0.1:19092")
    mechanism = env.get("TURNOVER_KAFKA_SASL_MECHANISM", "").strip().lower() or None
    ca_path = env.get("TURNOVER_KAFKA_SSL_CA", "").strip() or None
    protocol = env.get("TURNOVER_KAFKA_SECURITY_PROTOCOL", "").strip().upper() or (
        "SASL_SSL" if mechanism else "SSL" if ca_path else "PLAINTEXT"
    )
    if protocol not in PROTOCOLS:
        raise ConfigError(f"unknown Kafka security protocol {protocol!r}: use one of {', '.join(PROTOCOLS)}")
    props = {"bootstrap.servers": ",".join(brokers), "security.protocol": protocol}
    if protocol.startswith("SASL"):
        if mechanism not in MECHANISMS:
            raise ConfigError(f"{protocol} needs a SASL mechanism: set TURNOVER_KAFKA_SASL_MECHANISM (scram-sha-512, scram-sha-256 or plain)")
        username = env.get("TURNOVER_KAFKA_SASL_USERNAME", "")
        password = env.get("TURNOVER_KAFKA_SASL_PASSWORD", "")
        if not username:
            raise ConfigError("SASL needs a user name: set TURNOVER_KAFKA_SASL_USERNAME")
        if not password:
            raise ConfigError("SASL needs a password: set TURNOVER_KAFKA_SASL_PASSWORD")
        name, module = MECHANISMS[mechanism]
        props["sasl.mechanism"] = name
        props["sasl.jaas.config"] = f"{module} required username={jaas_quote(username)} password={jaas_quote(password)};"
    if ca_path:
        try:
            with open(ca_path, encoding="utf-8") as f:
                pem = f.read()
        except OSError as error:
            raise ConfigError(f"cannot read the Kafka CA file TURNOVER_KAFKA_SSL_CA={ca_path}: {error.strerror}") from error
        if "-----BEGIN CERTIFICATE-----" not in pem:
            raise ConfigError(f"the Kafka CA file {ca_path} holds no PEM certificate")
        # Inline, not a path: the executors that read Kafka get it with the source's options.
        props["ssl.truststore.type"] = "PEM"
        props["ssl.truststore.certificates"] = pem
    return props


def source_options(props: Mapping[str, str]) -> dict[str, str]:
    """Client properties as options of Spark's Kafka source."""
    return {f"kafka.{k}": v for k, v in props.items()}


def job_config(env: Mapping[str, str] = os.environ) -> JobConfig:
    topic = env.get("TURNOVER_KAFKA_TOPIC", "transaction-service-input").strip()
    group = env.get("TURNOVER_KAFKA_GROUP", "turnover-ingest").strip()
    if not topic:
        raise ConfigError("no topic: set TURNOVER_KAFKA_TOPIC")
    if not group:
        raise ConfigError("no consumer group: set TURNOVER_KAFKA_GROUP")
    # TURNOVER_STAGING_URL is the landing URL's old name, still read when the new one is not set
    url = env.get("TURNOVER_LANDING_URL") or env.get("TURNOVER_STAGING_URL", "")
    if not (url.startswith("postgres://") or url.startswith("postgresql://")):
        raise ConfigError("TURNOVER_LANDING_URL (old name TURNOVER_STAGING_URL) is not set: expected postgres://user@host:port/database")
    here = os.path.dirname(os.path.abspath(__file__))
    sql_dir = env.get("TURNOVER_SQL_DIR") or os.path.join(here, "..", "..", "sql")
    launcher = env.get("TURNOVER_SPARK_LAUNCHER_PID", "")
    incarnation = env.get("TURNOVER_INGEST_INCARNATION", "").strip()
    if incarnation and not incarnation.isdigit():
        raise ConfigError(f"TURNOVER_INGEST_INCARNATION is not a number: {incarnation!r}")
    return JobConfig(
        topic=topic,
        group=group,
        staging_url=url,
        kafka=kafka_properties(env),
        sql_dir=os.path.normpath(sql_dir),
        progress_interval_s=int(env.get("TURNOVER_INGEST_PROGRESS_INTERVAL", "10") or 0),
        launcher_pid=int(launcher) if launcher.isdigit() else None,
        incarnation=int(incarnation) if incarnation else None,
        topic_id=env.get("TURNOVER_KAFKA_TOPIC_ID", "").strip() or None,
    )
