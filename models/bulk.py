"""Writing in bulk. Occurrences are the one hot write path: a compile of the nation's plans
inserts two million rows. SQLAlchemy's executemany builds parameters row by row, which costs
more than the database's own work, so rows go in as plain tuples: COPY on PostgreSQL, the
driver's executemany on SQLite (values rendered as SQLAlchemy stores them, so the ORM reads
them back the same), Core insert elsewhere.

Every statement that carries many rows' values (an IN list, a multi-row VALUES) is cut with
`chunks`, sized from the database's own limit on bound parameters."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

from models.occurrence import Occurrence

OCCURRENCE_COLUMNS = (
    "plan_id",
    "item_id",
    "agency_id",
    "kind",
    "period_start",
    "period_end",
    "nominal_due",
    "due",
    "status",
    "sequence",
    "created_at",
    "updated_at",
)
OccurrenceRow = tuple[int, int, int, str, date, date, date, date, str, int, datetime, datetime]
_COLUMNS = ", ".join(OCCURRENCE_COLUMNS)
# Binary COPY: the server parses no text.
_POSTGRES_TYPES = ["int4", "int4", "int4", "varchar", *["date"] * 4, "varchar", "int4"]
_POSTGRES_TYPES += ["timestamptz", "timestamptz"]
# The wire protocol counts a statement's parameters in 16 bits.
POSTGRES_MAX_PARAMETERS = 65535
# SQLite before 3.32 (SQLITE_MAX_VARIABLE_NUMBER), and the guess for any other database.
SQLITE_OLD_MAX_PARAMETERS = 999
# Parameters a chunked statement keeps for its own values (the new status, the instant…).
_RESERVED_PARAMETERS = 50
T = TypeVar("T")


def parameter_limit(session: Session) -> int:
    """How many bound parameters one statement may carry on the session's database: SQLite
    says (32766 since 3.32, 999 before, or however it was compiled), PostgreSQL's is fixed."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return POSTGRES_MAX_PARAMETERS
    driver = connection.connection.driver_connection
    if dialect == "sqlite" and isinstance(driver, sqlite3.Connection):
        return driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return SQLITE_OLD_MAX_PARAMETERS


def chunks(session: Session, rows: Sequence[T], per_row: int = 1) -> Iterator[Sequence[T]]:
    """`rows` in slices whose statement stays under the database's parameter limit, each row
    taking `per_row` parameters (1 for an id in an IN list, the column count for VALUES)."""
    size = max(1, (parameter_limit(session) - _RESERVED_PARAMETERS) // per_row)
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_occurrences(session: Session, rows: Sequence[OccurrenceRow]) -> None:
    """Insert new occurrences in the session's transaction. On PostgreSQL the transaction's
    commit does not wait for the WAL flush: a compile is idempotent, so if a crash loses
    it, compiling again redoes it (this saves a tenth of a nation-scale compile)."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
        driver = connection.connection.driver_connection
        assert driver is not None
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY occurrence ({_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    elif dialect == "sqlite":
        marks = ", ".join("?" * len(OCCURRENCE_COLUMNS))
        connection.exec_driver_sql(
            f"INSERT INTO occurrence ({_COLUMNS}) VALUES ({marks})", _sqlite_rows(rows)
        )
    else:
        session.execute(
            insert(Occurrence.__table__),
            [dict(zip(OCCURRENCE_COLUMNS, r, strict=True)) for r in rows],
        )


def _sqlite_rows(rows: Sequence[OccurrenceRow]) -> list[tuple[Any, ...]]:
    """Dates and instants rendered as text once each: a compile's rows share a handful of
    dates and one timestamp."""
    rendered: dict[date, str] = {}

    def text(value: date) -> str:
        found = rendered.get(value)
        if found is None:
            found = rendered[value] = (
                _stamp(value) if isinstance(value, datetime) else value.isoformat()
            )
        return found

    return [
        (*row[:4], *(text(d) for d in row[4:8]), row[8], row[9], text(row[10]), text(row[11]))
        for row in rows
    ]


def _stamp(moment: datetime) -> str:
    """SQLAlchemy's SQLite DateTime format: UTC, no zone."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
