"""The landing's pure parts: finding the refused row of a COPY, the reject's reason and detail,
rows split from Arrow, and the overflow error of Spark's Kafka source."""
import unittest

import pyarrow as pa

from turnover_spark.exact_records import malformed_timestamp
from turnover_spark.landing import reason_for_state, row_bytes, sanitize, split_rows


class LandingPartsTest(unittest.TestCase):
    def test_reason_per_class(self):
        self.assertEqual(reason_for_state("22P02"), "data_error")
        self.assertEqual(reason_for_state("54000"), "program_limit")
        self.assertEqual(reason_for_state("23514"), "constraint_violation")

    def test_detail_has_no_nul_and_is_valid_utf8(self):
        text = sanitize("bad \x00 value \udcff")
        self.assertNotIn("\x00", text)
        self.assertEqual(text, "bad \\0 value \\udcff")
        text.encode("utf-8")
        self.assertEqual(len(sanitize("x" * 5000)), 2000)

    def test_rows_from_arrow_chunks_with_slices(self):
        column = pa.chunked_array([pa.array([b"ab", b"", b"cde"], pa.binary()).slice(1), pa.array([b"f"], pa.binary())])
        self.assertEqual([bytes(p) for p in split_rows(column)], [b"", b"cde", b"f"])
        self.assertEqual(b"".join(bytes(row_bytes(c)) for c in column.chunks), b"cdef")

    def test_the_overflow_of_spark_kafka_source(self):
        message = (
            "org.apache.spark.sql.kafka010.KafkaIllegalStateException: Record at topic any_1 partition 2 offset 17 has "
            "timestamp value 9223372036854775806 that overflows when converting to Spark's microsecond-precision TimestampType."
        )
        self.assertEqual(malformed_timestamp(RuntimeError(message)), (2, 17))
        self.assertIsNone(malformed_timestamp(RuntimeError("Job aborted due to stage failure")))


if __name__ == "__main__":
    unittest.main()
