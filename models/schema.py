"""The schema: Alembic migrations brought to the newest revision, and scratch PostgreSQL
schemas for tests and benchmarks. Every command opens the database through
`ready_database_url`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from dondoc.core.db import get_engine
from dondoc.core.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision`, the newest by default (cheap when it is there)."""
    _run_alembic(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> None:
    """Take the schema back down to `revision` (tests check every revision undoes itself)."""
    _run_alembic(url, command.downgrade, revision)


def _run_alembic(url: str, step: Callable[[Config, str], None], revision: str) -> None:
    """One transaction of migrations. SQLite's foreign keys are off meanwhile: batch mode
    rebuilds a table by dropping it, and with them on the drop would delete every row that
    cascades from it (a plan's items and occurrences); they are checked before the commit."""
    with get_engine(url).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where the pragma takes effect
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config = alembic_config(url)
                config.attributes["connection"] = connection
                step(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError(f"migrating {url} left rows with dangling foreign keys")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def ready_database_url() -> str:
    """The configured database, migrated to the newest schema: what every command opens."""
    url = get_settings().effective_database_url
    migrate(url)
    return url


@contextmanager
def scratch_schema(server_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL schema on `server_url`, migrated, dropped with everything in it on
    exit: each test and benchmark run gets its own, so they never see each other's rows."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{server_url}?options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        get_engine(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
