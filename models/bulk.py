"""Writing occurrences in bulk, the one hot write path: a compile of the nation's plans
inserts two million rows. SQLAlchemy's executemany builds parameters row by row, which costs
more than the database's own work, so rows go in as plain tuples: COPY on PostgreSQL, the
driver's executemany on SQLite (values rendered as SQLAlchemy stores them, so the ORM reads
them back the same), Core insert elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

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
