"""Revision 0005 narrows the plans' status CHECK (no more "archived"), on SQLite and
PostgreSQL: both ways it keeps every row, and it refuses, changing nothing, while a plan is
still archived."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dondoc.core.db import get_engine, session_scope
from models.schema import alembic_config, downgrade, migrate
from tests.support.seeds import seed_song_ma

TABLES = ("plan", "plan_item", "assignment", "occurrence")


def row_counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as connection:
        return {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES
        }


def set_status(url: str, status: str) -> None:
    with get_engine(url).begin() as connection:
        connection.execute(text("UPDATE plan SET status = :status"), {"status": status})


def revision(url: str) -> str:
    with get_engine(url).connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_the_narrower_check_keeps_every_row_both_ways(database_url: str) -> None:
    with session_scope(database_url) as session:
        seed_song_ma(session, compile=True)
    seeded = row_counts(database_url)
    assert seeded["occurrence"] > 0
    # SQLite rebuilds the plan table: with foreign keys on, dropping it would cascade.
    downgrade(database_url, "0004")
    assert row_counts(database_url) == seeded
    set_status(database_url, "archived")  # the old CHECK allowed it
    set_status(database_url, "approved")
    migrate(database_url)
    assert row_counts(database_url) == seeded
    with pytest.raises(IntegrityError):
        set_status(database_url, "archived")


def test_an_archived_plan_stops_the_upgrade_and_says_which(database_url: str) -> None:
    with session_scope(database_url) as session:
        plan_id = seed_song_ma(session)
    downgrade(database_url, "0004")
    set_status(database_url, "archived")
    with pytest.raises(RuntimeError, match=f"plans with ids {plan_id} are archived"):
        migrate(database_url)
    assert revision(database_url) == "0004"
    set_status(database_url, "superseded")
    migrate(database_url)
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert revision(database_url) == head
