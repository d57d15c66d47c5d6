"""The migrations and the models agree: upgrading an empty database to the newest revision
gives exactly the tables, columns, indexes and unique constraints of `models.Base.metadata`
(nothing missing, nothing extra), and every downgrade undoes its upgrade, on SQLite and
PostgreSQL. Nothing here names a revision: a new one is checked as soon as it exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Table, inspect

import models
from dondoc.core.db import get_engine
from models.schema import alembic_config, migrate

Index = tuple[str, tuple[str, ...], bool]  # name, columns, unique


@dataclass(frozen=True)
class TableShape:
    columns: frozenset[str]
    indexes: frozenset[Index]
    unique: frozenset[tuple[str, ...]]


def _shape_in_models(table: Table) -> TableShape:
    return TableShape(
        columns=frozenset(column.name for column in table.columns),
        indexes=frozenset(
            (str(index.name), tuple(column.name for column in index.columns), bool(index.unique))
            for index in table.indexes
        ),
        unique=frozenset(
            tuple(column.name for column in constraint.columns)
            for constraint in table.constraints
            if constraint.__visit_name__ == "unique_constraint"
        ),
    )


def schema_in_models() -> dict[str, TableShape]:
    return {name: _shape_in_models(table) for name, table in models.Base.metadata.tables.items()}


def schema_in_database(url: str) -> dict[str, TableShape]:
    """What the database holds, alembic's own bookkeeping table left out."""
    inspector = inspect(get_engine(url))
    return {
        table: TableShape(
            columns=frozenset(column["name"] for column in inspector.get_columns(table)),
            indexes=frozenset(
                (str(index["name"]), tuple(map(str, index["column_names"])), bool(index["unique"]))
                for index in inspector.get_indexes(table)
                if not index.get("duplicates_constraint")  # a unique constraint's own index
            ),
            unique=frozenset(
                tuple(constraint["column_names"])
                for constraint in inspector.get_unique_constraints(table)
            ),
        )
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def alembic(url: str, action: Literal["upgrade", "downgrade"], revision: str) -> None:
    """`alembic upgrade|downgrade REVISION` on the database, in one transaction."""
    with get_engine(url).begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def current_revision(url: str) -> str | None:
    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def newest_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def test_the_migrated_schema_is_the_models_schema_and_a_rerun_is_a_no_op(
    database_url: str,
) -> None:
    migrate(database_url)  # a second upgrade is a no-op, not an error
    assert current_revision(database_url) == newest_revision(database_url)
    expected = schema_in_models()
    assert {"agency", "agency_group", "agency_group_member", "plan", "plan_item", "assignment"} <= (
        set(expected)
    )
    assert schema_in_database(database_url) == expected
    with get_engine(database_url).connect() as connection:
        # alembic's autogenerate: what a new revision would have to do (types included)
        differences = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    assert differences == []


def test_downgrade_to_base_then_upgrade_to_head_round_trips(database_url: str) -> None:
    migrated = schema_in_database(database_url)
    alembic(database_url, "downgrade", "base")
    assert schema_in_database(database_url) == {}
    assert current_revision(database_url) is None
    alembic(database_url, "upgrade", "head")
    assert schema_in_database(database_url) == migrated
    assert current_revision(database_url) == newest_revision(database_url)
