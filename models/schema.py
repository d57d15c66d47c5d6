"""The schema: Alembic migrations brought to the newest revision, and scratch PostgreSQL
schemas for tests and benchmarks. Every command opens the database through
`ready_database_url`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
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


def migrate(url: str) -> None:
    """Bring the schema to the newest revision (cheap when it already is)."""
    engine = get_engine(url)
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


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
