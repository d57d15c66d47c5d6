"""The Prefect flows against a real (temporary) Prefect server: one per test session."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from dondoc.core.db import session_scope
from models import Plan
from tests.conftest import EXAMPLES
from tests.support.settings import SettingsEnv


def test_import_plan_flow_stores_the_plan_once_and_publishes_its_summary(
    prefect_server: None, database_url: str, settings_env: SettingsEnv
) -> None:
    from prefect.artifacts import Artifact

    from flows.import_plan import import_plan

    settings_env.set(database_url=database_url)
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


def test_import_plan_flow_takes_a_documents_bytes_and_keeps_the_original(
    prefect_server: None, database_url: str, settings_env: SettingsEnv
) -> None:
    from flows.import_plan import import_plan
    from models import SourceDocument
    from tests.conftest import FIXTURES

    settings_env.set(database_url=database_url)
    page = (FIXTURES / "documents" / "layout-table-merged-cells.html").read_bytes()
    plan_id = import_plan(
        document=page, filename="C:\\Văn bản\\45-KH-UBND.html", auto_agencies=True
    )
    with session_scope(database_url) as session:
        plan = session.get_one(Plan, plan_id)
        assert (plan.number, len(plan.items)) == ("45/KH-UBND", 3)
        stored = session.scalars(select(SourceDocument)).one()
        assert stored.content == page and stored.filename == "45-KH-UBND.html"
        assert plan.source_document_id == stored.id


def test_import_plan_flow_reads_a_staged_upload_under_its_sent_name_and_removes_it(
    prefect_server: None, database_url: str, settings_env: SettingsEnv, tmp_path: Path
) -> None:
    import pytest

    from flows.import_plan import import_plan
    from tasks.plans import PlanParseError
    from tests.conftest import FIXTURES

    settings_env.set(database_url=database_url)
    page = (FIXTURES / "documents" / "layout-table-merged-cells.html").read_bytes()
    staged = tmp_path / "0a1b.upload"
    staged.write_bytes(page)
    plan_id = import_plan(path=str(staged), filename="45-KH-UBND.html", uploaded=True)
    assert not staged.exists()
    with session_scope(database_url) as session:
        assert session.get_one(Plan, plan_id).source_name == "45-KH-UBND.html"

    refused = tmp_path / "0c2d.upload"
    refused.write_bytes(b"PK\x03\x04 not a document")
    with pytest.raises(PlanParseError, match=r"^hỏng\.docx: a damaged or truncated file"):
        import_plan(path=str(refused), filename="hỏng.docx", uploaded=True)
    assert not refused.exists()
