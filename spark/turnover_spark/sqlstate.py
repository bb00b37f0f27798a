"""What a PostgreSQL error means for the landing, by SQLSTATE class: the same
rule as src/db/sqlstate.ts (the Node side's one classifier; a test runs both
over every SQLSTATE psycopg knows and compares them).

- data: the row was refused (22 data exception, 54 program limit exceeded,
  23 integrity constraint on the row path): quarantine the record, go on.
- unavailable: the server cannot serve now (08 connection exception, 53
  insufficient resources, 57P operator intervention, 25P03 and 25P04 a
  session the server ended inside a transaction, a connection lost without
  a SQLSTATE): retry with back-off.
- conflict: another transaction got in the way (40001, 40P01): re-read, retry.
- config: retrying cannot help (28 invalid authorization, 3D000, 3F000,
  42501, 42P01): stop with one line.
- fatal: anything else: stop with one line.
"""
from __future__ import annotations

from typing import Literal, Optional

import psycopg

SqlErrorKind = Literal["data", "unavailable", "conflict", "config", "fatal"]

CONFIG_STATES = frozenset({"3D000", "3F000", "42501", "42P01"})
# idle_in_transaction_session_timeout, transaction_timeout: the session is gone, the server is fine
SESSION_ENDED_STATES = frozenset({"25P03", "25P04"})


def kind_of_state(state: str) -> SqlErrorKind:
    klass = state[:2]
    if klass in ("22", "54", "23"):
        return "data"
    if klass in ("08", "53") or state.startswith("57P") or state in SESSION_ENDED_STATES:
        return "unavailable"
    if state in ("40001", "40P01"):
        return "conflict"
    if klass == "28" or state in CONFIG_STATES:
        return "config"
    return "fatal"


def classify_sql_error(error: BaseException) -> SqlErrorKind:
    state: Optional[str] = getattr(error, "sqlstate", None)
    if state:
        return kind_of_state(state)
    # psycopg raises OperationalError / InterfaceError without a SQLSTATE when the connection is lost or closed
    if isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
        return "unavailable"
    return "fatal"
