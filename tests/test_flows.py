"""The Prefect flows against a real (temporary) Prefect server: one per test session."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dondoc.core.db import session_scope
from dondoc.core.settings import get_settings
from models import Plan
from tests.conftest import EXAMPLES


def test_import_plan_flow_stores_the_plan_once_and_publishes_its_summary(
    prefect_server: None, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.artifacts import Artifact

    from flows.import_plan import import_plan

    monkeypatch.setenv("DONDOC_DATABASE_URL", database_url)
    get_settings.cache_clear()
    path = str(EXAMPLES / "plans" / "song-ma-2019-kh33.txt")
    first = import_plan(path=path, auto_agencies=True)
    second = import_plan(path=path, auto_agencies=True)  # a retried or doubled run
    assert first == second
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 1

    for key in ("plan-import", "plan-import-warnings"):
        artifact = Artifact.get(key)
        assert artifact is not None, f"no artifact {key!r}"
    assert "33/KH-UBND" in str(Artifact.get("plan-import-warnings").data)  # type: ignore[union-attr]
    get_settings.cache_clear()
