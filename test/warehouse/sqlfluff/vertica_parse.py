"""Parse statements with SQLFluff's vertica dialect, extended by the few real
Vertica constructs its grammar lacks, and report every unparsable one.

Usage: vertica_parse.py DIR — every DIR/*.sql holds one statement; prints a
JSON list of {"file", "errors": [...]} (an empty "errors" = it parsed).

The statements are parsed exactly as the dialect sends them: where SQLFluff
4.5.0's grammar misses a clause, the grammar is extended here, never the
statement rewritten. Each extension follows Vertica's documentation (links
below) and is no wider than what turnover sends; docs/warehouse.md lists them.
"""

import json
import pathlib
import sys

from sqlfluff.core import FluffConfig, Linter
from sqlfluff.core.dialects import load_raw_dialect
from sqlfluff.core.parser import BaseSegment, Delimited, OneOf, Ref, Sequence
from sqlfluff.dialects import dialect_vertica as vertica


class DatatypeSegment(vertica.DatatypeSegment):
    """LONG VARBINARY(n): the base grammar takes LONG VARBINARY without a length.

    https://docs.vertica.com/latest/en/sql-reference/data-types/binary-data-types-binary-varbinary-and-long-varbinary/
    """

    match_grammar = OneOf(
        Sequence("LONG", "VARBINARY", Ref("BracketedArguments", optional=True)),
        vertica.DatatypeSegment.match_grammar,
    )


class CopyOptionsSegment(vertica.CopyOptionsSegment):
    """COPY … RETURNREJECTED (rejected rows back to the driver) and NO COMMIT
    (the load stays in the caller's transaction), after the other options.

    https://docs.vertica.com/latest/en/sql-reference/statements/copy/parameters/
    """

    match_grammar = Sequence(
        vertica.CopyOptionsSegment.match_grammar,
        Ref.keyword("RETURNREJECTED", optional=True),
        Sequence("NO", "COMMIT", optional=True),
    )


class LockTableStatementSegment(BaseSegment):
    """LOCK [TABLE] t[, …] IN <mode> MODE [NOWAIT].

    https://docs.vertica.com/latest/en/sql-reference/statements/lock-table/
    """

    type = "lock_table_statement"
    match_grammar = Sequence(
        "LOCK",
        Ref.keyword("TABLE", optional=True),
        Delimited(Ref("TableReferenceSegment")),
        "IN",
        OneOf(
            Sequence("SHARE", "INSERT"),
            Sequence("INSERT", "VALIDATE"),
            Sequence("NOT", "DELETE"),
            "SHARE",
            "INSERT",
            "EXCLUSIVE",
            "USAGE",
            "OWNER",
        ),
        "MODE",
        Ref.keyword("NOWAIT", optional=True),
    )


class SetSessionCharacteristicsSegment(BaseSegment):
    """SET SESSION CHARACTERISTICS AS TRANSACTION {READ ONLY | READ WRITE | ISOLATION LEVEL …}.

    https://docs.vertica.com/latest/en/sql-reference/statements/set-statements/set-session-characteristics-as-transaction/
    """

    type = "set_session_characteristics_statement"
    match_grammar = Sequence(
        "SET",
        "SESSION",
        "CHARACTERISTICS",
        "AS",
        "TRANSACTION",
        OneOf(
            Sequence("READ", OneOf("ONLY", "WRITE")),
            Sequence("ISOLATION", "LEVEL", OneOf("SERIALIZABLE", Sequence("REPEATABLE", "READ"), Sequence("READ", OneOf("COMMITTED", "UNCOMMITTED")))),
        ),
    )


class StatementSegment(vertica.StatementSegment):
    match_grammar = vertica.StatementSegment.match_grammar.copy(
        insert=[Ref("LockTableStatementSegment"), Ref("SetSessionCharacteristicsSegment")],
        # before the dialect's generic SET, which would stop at SESSION
        before=Ref("SetStatementSegment"),
    )


def turnover_vertica():
    dialect = load_raw_dialect("vertica").copy_as("vertica")
    for word in ("RETURNREJECTED", "CHARACTERISTICS", "NOWAIT", "VALIDATE", "OWNER"):
        dialect.sets("unreserved_keywords").add(word)
    dialect.replace(DatatypeSegment=DatatypeSegment, CopyOptionsSegment=CopyOptionsSegment, StatementSegment=StatementSegment)
    dialect.add(LockTableStatementSegment=LockTableStatementSegment, SetSessionCharacteristicsSegment=SetSessionCharacteristicsSegment)
    return dialect.expand()


def main(directory):
    config = FluffConfig.from_path(directory)
    # the only way SQLFluff takes a dialect object rather than a name
    config._configs["core"]["dialect_obj"] = turnover_vertica()
    linter = Linter(config=config)
    report = []
    for path in sorted(pathlib.Path(directory).glob("*.sql")):
        parsed = linter.parse_string(path.read_text(encoding="utf-8"), fname=str(path))
        report.append({"file": path.name, "errors": [v.desc() for v in parsed.violations]})
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
