"""SQLSTATE classes (turnover_spark/sqlstate.py); test/spark/spark-job.python.test.ts also compares the
whole table with src/db/sqlstate.ts."""
import unittest

import psycopg

from turnover_spark.sqlstate import classify_sql_error, kind_of_state


class KindOfStateTest(unittest.TestCase):
    def test_classes(self):
        cases = {
            "22P02": "data", "22021": "data", "22008": "data", "54000": "data", "23505": "data", "23514": "data",
            "08006": "unavailable", "08001": "unavailable", "53300": "unavailable", "57P01": "unavailable", "57P03": "unavailable",
            "40001": "conflict", "40P01": "conflict",
            "28P01": "config", "28000": "config", "3D000": "config", "3F000": "config", "42501": "config", "42P01": "config",
            "42703": "fatal", "57014": "fatal", "XX000": "fatal", "25P02": "fatal", "0A000": "fatal",
        }
        for state, kind in cases.items():
            self.assertEqual(kind_of_state(state), kind, state)

    def test_errors_without_a_sqlstate(self):
        self.assertEqual(classify_sql_error(psycopg.OperationalError("server closed the connection unexpectedly")), "unavailable")
        self.assertEqual(classify_sql_error(psycopg.InterfaceError("the connection is closed")), "unavailable")
        self.assertEqual(classify_sql_error(psycopg.ProgrammingError("a bug")), "fatal")
        self.assertEqual(classify_sql_error(psycopg.errors.lookup("22P02")("bad")), "data")


if __name__ == "__main__":
    unittest.main()
