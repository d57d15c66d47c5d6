"""The seed most tests start from: the Sông Mã directory and its 2019 plan (7 items,
19 communes), imported, and approved and compiled when asked. One helper, so every test
reads the same fixture the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from models import Plan
from tasks.directory import import_directory, load_directory
from tasks.plans import import_plan_file
from tasks.schedule import CompileOptions, WorkCalendar, compile_plan
from tests.conftest import EXAMPLES

SONG_MA_DIRECTORY = EXAMPLES / "directories" / "song-ma.yaml"
SONG_MA_PLAN = EXAMPLES / "plans" / "song-ma-2019-kh33.txt"
SEEDED_AT = datetime(2019, 1, 12, 3, 0, tzinfo=UTC)
OPTIONS = CompileOptions(WorkCalendar.from_file(None))


def seed_song_ma(
    session: Session,
    path: Path = SONG_MA_PLAN,
    *,
    approve: bool = True,
    compile: bool = False,
    at: datetime = SEEDED_AT,
) -> int:
    """The plan's id; the directory is imported once however often this is called."""
    import_directory(session, load_directory(SONG_MA_DIRECTORY))
    plan_id = import_plan_file(session, path).plan_id
    if approve or compile:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        plan.approve("Nguyễn Văn A", at)
    if compile:
        compile_plan(session, plan_id, OPTIONS, now=at)
    return plan_id
