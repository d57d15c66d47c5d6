"""Declarative base with a naming convention so Alembic names constraints the same on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dondoc.core.clock import now_utc

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012
        list[str]: JSON,
        list[int]: JSON,
        dict[str, str]: JSON,
        dict[str, Any]: JSON,
        list[dict[str, Any]]: JSON,
    }


class CreatedAt:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


def one_of(column: str, values: Sequence[str]) -> CheckConstraint:
    """The CHECK keeping `column` to `values`, named after the column: built from the tuple
    the code reads, so the database and the code cannot drift apart."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)
