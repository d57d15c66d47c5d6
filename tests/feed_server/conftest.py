"""The feed server's fixtures: a compiled plan with feed tokens, an in-process client of the
app, and the SQL statements the database receives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from dondoc.core.db import get_engine
from tests.support.feed_server import Client, Seeded, make_app, seed_feeds


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    """The Sông Mã plan, approved and compiled in January 2019, with three feed tokens."""
    return seed_feeds(database_url)


@pytest.fixture
def client(seeded: Seeded) -> Client:
    return Client(make_app(seeded.url))


@pytest.fixture
def queries(database_url: str) -> Iterator[list[str]]:
    """Every SQL statement the database receives while the test runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = get_engine(database_url)
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
