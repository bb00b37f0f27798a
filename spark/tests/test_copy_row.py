"""The driver's COPY rows (turnover_spark/copy_row.py): the bytes of small cases written out by hand,
timestamptz's range at both ends, and a round trip through the parser the quarantine uses."""
import struct
import unittest

from turnover_spark.copy_row import KafkaRecord, copy_row, headers_array, parse_row, pg_timestamp_us


class HeadersArrayTest(unittest.TestCase):
    def test_no_headers_is_null(self):
        self.assertIsNone(headers_array(None))
        self.assertIsNone(headers_array([]))

    def test_two_dimensional_bytea_array_with_a_null_value(self):
        got = headers_array([(b"a\x00", b"\xff"), (b"a\x00", None)])
        expected = (
            b"\x00\x00\x00\x02"  # ndim
            b"\x00\x00\x00\x01"  # has nulls
            b"\x00\x00\x00\x11"  # bytea
            b"\x00\x00\x00\x02\x00\x00\x00\x01"  # 2 headers, lower bound 1
            b"\x00\x00\x00\x02\x00\x00\x00\x01"  # [name, value], lower bound 1
            b"\x00\x00\x00\x02a\x00" b"\x00\x00\x00\x01\xff"
            b"\x00\x00\x00\x02a\x00" b"\xff\xff\xff\xff"
        )
        self.assertEqual(got, expected)

    def test_without_nulls_the_flag_is_zero(self):
        self.assertEqual(headers_array([(b"", b"")])[4:8], b"\x00\x00\x00\x00")


class TimestampRangeTest(unittest.TestCase):
    def test_the_epochs(self):
        self.assertEqual(pg_timestamp_us(946_684_800_000), 0)
        self.assertEqual(pg_timestamp_us(0), -946_684_800_000_000)

    def test_first_instant_postgresql_holds_is_4714_11_24_bc(self):
        self.assertEqual(pg_timestamp_us(-210_866_803_200_000), -211_813_488_000_000_000)
        self.assertIsNone(pg_timestamp_us(-210_866_803_200_001))

    def test_last_instant_is_before_294277_01_01(self):
        self.assertEqual(pg_timestamp_us(9_224_318_015_999_999), 9_223_371_331_199_999_000)
        self.assertIsNone(pg_timestamp_us(9_224_318_016_000_000))

    def test_int64_ends_are_outside(self):
        self.assertIsNone(pg_timestamp_us(2**63 - 1))
        self.assertIsNone(pg_timestamp_us(-(2**63)))


class CopyRowTest(unittest.TestCase):
    def test_a_row_by_hand(self):
        record = KafkaRecord("t", 1, 2, None, b"", [(b"h", b"v")], 946_684_800_001)
        row = copy_row(record, 3)
        self.assertEqual(row[:2], b"\x00\x09")
        self.assertEqual(row[2:7], b"\x00\x00\x00\x01t")
        self.assertEqual(row[7:15], b"\x00\x00\x00\x04\x00\x00\x00\x03")  # the landing's incarnation
        self.assertEqual(row[15:23], b"\x00\x00\x00\x04\x00\x00\x00\x01")
        self.assertEqual(row[23:35], b"\x00\x00\x00\x08" + struct.pack(">q", 2))
        self.assertEqual(row[35:43], b"\xff\xff\xff\xff\x00\x00\x00\x00")  # null key, empty value
        self.assertEqual(row[-24:], b"\x00\x00\x00\x08" + struct.pack(">q", 1000) + b"\x00\x00\x00\x08" + struct.pack(">q", 946_684_800_001))

    def test_out_of_range_instant_has_a_null_timestamptz_and_the_exact_ms(self):
        row = copy_row(KafkaRecord("t", 0, 0, None, None, None, 2**63 - 2), 0)
        self.assertEqual(row[-16:], b"\xff\xff\xff\xff\x00\x00\x00\x08" + struct.pack(">q", 2**63 - 2))

    def test_round_trip(self):
        headers = [(b"constructor", None), (b"\x00\xef\xbf\xbd", b""), (b"constructor", bytes(range(256)))] + [(b"n", b"v")] * 300
        for record in (
            KafkaRecord("topic.\u00e9", 7, 2**40, b"\x00\xff", bytes(range(256)) * 10, headers, -(2**63)),
            KafkaRecord("t", 0, 0, None, None, None, 0),
            KafkaRecord("t", 2, 5, b"", b"", [(b"", None)], -1),
        ):
            self.assertEqual(parse_row(copy_row(record, 1)), record)


if __name__ == "__main__":
    unittest.main()
