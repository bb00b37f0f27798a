"""TURNOVER_* -> Kafka client properties (turnover_spark/config.py)."""
import os
import tempfile
import unittest

from turnover_spark.config import ConfigError, jaas_quote, job_config, kafka_properties, source_options

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


class KafkaPropertiesTest(unittest.TestCase):
    def test_plaintext_by_default(self):
        props = kafka_properties({"TURNOVER_KAFKA_BROKERS": "a:1, b:2"})
        self.assertEqual(props, {"bootstrap.servers": "a:1,b:2", "security.protocol": "PLAINTEXT"})

    def test_scram_sha_512_over_tls_with_a_private_ca(self):
        with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as f:
            f.write(PEM)
        try:
            props = kafka_properties(
                {
                    "TURNOVER_KAFKA_BROKERS": "k:9093",
                    "TURNOVER_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
                    "TURNOVER_KAFKA_SASL_USERNAME": "svc",
                    "TURNOVER_KAFKA_SASL_PASSWORD": 'p"a\\ss',
                    "TURNOVER_KAFKA_SSL_CA": f.name,
                }
            )
        finally:
            os.unlink(f.name)
        self.assertEqual(props["security.protocol"], "SASL_SSL")
        self.assertEqual(props["sasl.mechanism"], "SCRAM-SHA-512")
        self.assertEqual(
            props["sasl.jaas.config"],
            'org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="p\\"a\\\\ss";',
        )
        self.assertEqual(props["ssl.truststore.type"], "PEM")
        self.assertEqual(props["ssl.truststore.certificates"], PEM)
        self.assertEqual(source_options(props)["kafka.sasl.mechanism"], "SCRAM-SHA-512")

    def test_plain_mechanism_uses_the_plain_login_module(self):
        props = kafka_properties(
            {
                "TURNOVER_KAFKA_BROKERS": "k:9093",
                "TURNOVER_KAFKA_SASL_MECHANISM": "plain",
                "TURNOVER_KAFKA_SASL_USERNAME": "u",
                "TURNOVER_KAFKA_SASL_PASSWORD": "p",
                "TURNOVER_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            }
        )
        self.assertEqual(props["security.protocol"], "SASL_PLAINTEXT")
        self.assertTrue(props["sasl.jaas.config"].startswith("org.apache.kafka.common.security.plain.PlainLoginModule required"))

    def test_sasl_without_password_is_a_config_error(self):
        with self.assertRaisesRegex(ConfigError, "TURNOVER_KAFKA_SASL_PASSWORD"):
            kafka_properties({"TURNOVER_KAFKA_BROKERS": "k:1", "TURNOVER_KAFKA_SASL_MECHANISM": "scram-sha-256", "TURNOVER_KAFKA_SASL_USERNAME": "u"})

    def test_a_file_without_a_certificate_is_refused(self):
        with tempfile.NamedTemporaryFile("w", suffix=".pem") as f:
            f.write("nothing")
            f.flush()
            with self.assertRaisesRegex(ConfigError, "no PEM certificate"):
                kafka_properties({"TURNOVER_KAFKA_BROKERS": "k:1", "TURNOVER_KAFKA_SSL_CA": f.name})

    def test_no_brokers_is_a_config_error(self):
        with self.assertRaisesRegex(ConfigError, "TURNOVER_KAFKA_BROKERS"):
            kafka_properties({})

    def test_jaas_quote_escapes(self):
        self.assertEqual(jaas_quote('a"b\\c'), '"a\\"b\\\\c"')

    def test_job_config_needs_a_postgres_url(self):
        with self.assertRaisesRegex(ConfigError, "TURNOVER_STAGING_URL"):
            job_config({"TURNOVER_KAFKA_BROKERS": "k:1"})
        config = job_config({"TURNOVER_KAFKA_BROKERS": "k:1", "TURNOVER_STAGING_URL": "postgres://u@h:5432/d", "TURNOVER_KAFKA_TOPIC": "t"})
        self.assertEqual((config.topic, config.group), ("t", "turnover-ingest"))

    def test_job_config_reads_the_landing_url_then_its_old_name(self):
        base = {"TURNOVER_KAFKA_BROKERS": "k:1"}
        old = job_config({**base, "TURNOVER_STAGING_URL": "postgres://u@h:5432/old"})
        both = job_config({**base, "TURNOVER_LANDING_URL": "postgres://u@h:5432/new", "TURNOVER_STAGING_URL": "postgres://u@h:5432/old"})
        self.assertIn("/old", old.staging_url)
        self.assertIn("/new", both.staging_url)


if __name__ == "__main__":
    unittest.main()
