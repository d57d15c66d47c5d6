"""Shared fixtures: a migrated database per test on SQLite and on PostgreSQL, and the real
plan documents in ../shared/plans (skipped on a laptop without them, required in CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from dondoc.core.db import get_engine, session_scope
from models.schema import migrate, scratch_schema
from tests.support.settings import fresh_settings, settings_env  # noqa: F401
from tests.support.smtp import smtp_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_PLANS = ROOT.parent / "shared" / "plans"
POSTGRES_URL = os.environ.get(
    "DONDOC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, why: str) -> None:
    """Skip on a laptop, fail in CI: a missing dependency must not turn CI green."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def shared_plans() -> Path:
    require(SHARED_PLANS.is_dir(), f"the real plan documents are not at {SHARED_PLANS}")
    return SHARED_PLANS


def _postgres_reachable() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_server() -> str:
    require(_postgres_reachable(), f"PostgreSQL is not reachable at {POSTGRES_URL}")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server for the whole session: it takes ~10 s to start, and
    Prefect's events worker stays bound to the first server a process sees."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty database; PostgreSQL gets a schema of its own per test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'dondoc.sqlite3'}"
        migrate(url)
        yield url
        get_engine(url).dispose()
        return
    server = request.getfixturevalue("postgres_server")
    with scratch_schema(server, "t") as url:
        yield url


@pytest.fixture
def db_session(database_url: str) -> Iterator[Session]:
    """A session in one transaction, committed at the end of the test (like a CLI command)."""
    with session_scope(database_url) as session:
        yield session
