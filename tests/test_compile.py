"""Compiling approved plans into occurrences, on SQLite and PostgreSQL: the Sông Mã seed plan
with its commune directory, idempotency, amendments, group expansion and bad input."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dondoc.core.db import session_scope
from models import Occurrence, OccurrenceEvent, Plan, PlanCompilation
from models.status import record_done
from tasks.directory import import_directory, load_directory
from tasks.plans import (
    ParsedItem,
    ParsedPlan,
    import_parsed_plan,
    import_plan_file,
    parse_timeframe,
)
from tasks.schedule import CompileError, CompileResult, compile_plan
from tests.conftest import EXAMPLES, FIXTURES
from tests.support.seeds import OPTIONS, SONG_MA_PLAN, seed_song_ma

AMENDED_PLAN = FIXTURES / "plans" / "song-ma-2019-kh33-amended.txt"
NOW = datetime(2019, 1, 15, 3, 0, tzinfo=UTC)
COMMUNES = 19


def seeded_plan(session: Session, path: Path = SONG_MA_PLAN, *, approve: bool = True) -> int:
    return seed_song_ma(session, path, approve=approve, at=NOW)


def compile_now(session: Session, plan_id: int, **kw: object) -> CompileResult:
    return compile_plan(session, plan_id, OPTIONS, now=NOW, **kw)  # type: ignore[arg-type]


def occurrences(session: Session, plan_id: int | None = None) -> list[Occurrence]:
    query = select(Occurrence).order_by(Occurrence.id)
    if plan_id is not None:
        query = query.where(Occurrence.plan_id == plan_id)
    return list(session.scalars(query))


def by_item(session: Session, plan_id: int) -> dict[str, list[Occurrence]]:
    found: dict[str, list[Occurrence]] = {}
    for occurrence in occurrences(session, plan_id):
        found.setdefault(occurrence.item.seq, []).append(occurrence)
    return found


def test_the_song_ma_seed_plan_reaches_every_commune_on_working_days(db_session: Session) -> None:
    plan_id = seeded_plan(db_session)
    result = compile_now(db_session, plan_id)
    assert result.period == (date(2019, 1, 11), date(2019, 12, 31))
    items = by_item(db_session, plan_id)

    weekly = items["2"]
    assert len(weekly) == 51
    assert {o.agency.name for o in weekly} == {"Trung tâm Truyền thông - Văn hóa huyện"}

    monthly = items["3"]
    assert len({o.agency_id for o in monthly}) == COMMUNES
    assert len(monthly) == 12 * COMMUNES
    assert Counter(o.agency_id for o in monthly).most_common(1)[0][1] == 12

    days = OPTIONS.days
    every = occurrences(db_session, plan_id)
    assert all(days.is_working_day(o.due) for o in every)
    assert all(o.due.weekday() < 5 or days.reason(o.due) for o in every)
    assert date(2019, 4, 30) not in {o.due for o in every}
    quarterly = sorted({o.due for o in items["6"]})
    assert quarterly == [date(2019, 3, 5), date(2019, 6, 5), date(2019, 9, 5), date(2019, 12, 5)]
    assert sorted({o.due for o in items["7"]}) == [date(2019, 6, 28), date(2019, 12, 31)]
    assert result.counts["added"] == len(every)
    assert all(o.status == "pending" and o.sequence == 0 for o in every)


def test_coordinating_agencies_own_no_occurrence(db_session: Session) -> None:
    plan_id = seeded_plan(db_session)
    compile_now(db_session, plan_id)
    owners = {o.agency.name for o in by_item(db_session, plan_id)["7"]}
    assert owners == {"Phòng Nội vụ"}  # the Văn phòng and the Trung tâm only coordinate


def test_compiling_twice_changes_nothing(db_session: Session) -> None:
    plan_id = seeded_plan(db_session)
    first = compile_now(db_session, plan_id)
    before = [(o.id, o.due, o.status, o.sequence) for o in occurrences(db_session)]
    second = compile_now(db_session, plan_id)
    assert not second.changed
    assert second.version == first.version == 1
    assert second.counts["unchanged"] == len(before)
    assert [(o.id, o.due, o.status, o.sequence) for o in occurrences(db_session)] == before
    assert db_session.scalar(select(func.count()).select_from(PlanCompilation)) == 1


def test_only_approved_plans_compile(db_session: Session) -> None:
    plan_id = seeded_plan(db_session, approve=False)
    with pytest.raises(CompileError, match="draft: only approved plans compile"):
        compile_now(db_session, plan_id)
    assert occurrences(db_session) == []


def test_unresolved_agencies_refuse_the_compile_and_write_nothing(database_url: str) -> None:
    with session_scope(database_url) as session:
        plan_id = import_plan_file(session, SONG_MA_PLAN).plan_id  # no directory: unresolved
        plan = session.get(Plan, plan_id)
        assert plan is not None
        plan.approve("Nguyễn Văn A", NOW)
    with pytest.raises(CompileError) as caught, session_scope(database_url) as session:
        compile_now(session, plan_id)
    assert "'Trung tâm Truyền thông - Văn hóa huyện' (item 2)" in str(caught.value)
    with session_scope(database_url) as session:
        assert occurrences(session) == []
        assert session.get(Plan, plan_id).period_start is None  # type: ignore[union-attr]


def test_a_plan_without_year_or_date_asks_for_a_period(db_session: Session) -> None:
    import_directory(db_session, load_directory(EXAMPLES / "directories" / "song-ma.yaml"))
    item = ParsedItem(
        "1", "Báo cáo tháng", ["Phòng Nội vụ"], [], parse_timeframe("Hằng tháng", year=None)
    )
    parsed = ParsedPlan(title="Kế hoạch chưa ghi năm", issuer="UBND huyện Sông Mã", items=[item])
    plan_id = import_parsed_plan(db_session, parsed, source_text="no year").plan_id
    db_session.get(Plan, plan_id).approve("Nguyễn Văn A", NOW)  # type: ignore[union-attr]
    with pytest.raises(CompileError, match="--period"):
        compile_now(db_session, plan_id)
    result = compile_now(db_session, plan_id, period=(date(2026, 1, 1), date(2026, 6, 30)))
    assert result.counts["added"] == 6


def test_an_amendment_keeps_unchanged_items_and_reports_its_diff(db_session: Session) -> None:
    old_id = seeded_plan(db_session)
    compile_now(db_session, old_id)
    removed = by_item(db_session, old_id)["5"][0]
    kept_ids = {o.id for o in by_item(db_session, old_id)["2"]}
    new_id = seeded_plan(db_session, AMENDED_PLAN)

    result = compile_now(db_session, new_id)

    assert result.supersedes == old_id
    assert result.version == 2
    assert db_session.get(Plan, old_id).status == "superseded"  # type: ignore[union-attr]
    assert result.counts == {
        "added": 7,  # the new item 8, June to December
        "rescheduled": 7 * COMMUNES,  # item 3 moves to the 20th from June on
        "cancelled": 1,  # the removed item 5
        "reinstated": 0,
        "unchanged": result.counts["unchanged"],
    }
    changes = {item.seq: item for item in result.items}
    assert changes["5"].change == "removed" and changes["5"].cancelled == 1
    assert changes["8"].change == "added" and changes["8"].added == 7
    assert changes["2"].change == "edited"  # reworded, still the same work
    assert changes["3"].rescheduled == 7 * COMMUNES
    assert {o.id for o in by_item(db_session, new_id)["2"]} == kept_ids  # identity kept
    db_session.refresh(removed)
    assert removed.status == "cancelled" and removed.plan_id == old_id  # history kept
    monthly = by_item(db_session, new_id)["3"]
    january = [o for o in monthly if o.period_start == date(2019, 1, 1)]
    assert {o.due for o in january} == {date(2019, 1, 31)}  # before the amendment: as it was
    june = [o for o in monthly if o.period_start == date(2019, 6, 1)]
    assert {o.due for o in june} == {date(2019, 6, 20)} and {o.sequence for o in june} == {1}
    events = db_session.scalars(select(OccurrenceEvent)).all()
    assert [(e.occurrence_id, e.to_status) for e in events] == [(removed.id, "cancelled")]
    assert not compile_now(db_session, new_id).changed
    with pytest.raises(CompileError, match=f"superseded by plan {new_id}"):
        compile_now(db_session, old_id)


def test_work_already_done_survives_the_amendment_that_drops_it(db_session: Session) -> None:
    old_id = seeded_plan(db_session)
    compile_now(db_session, old_id)
    done = by_item(db_session, old_id)["5"][0]
    record_done(db_session, done, by="Phòng Nội vụ", at=NOW, note=None, on=NOW.date(), now=NOW)
    new_id = seeded_plan(db_session, AMENDED_PLAN)
    assert compile_now(db_session, new_id).counts["cancelled"] == 0
    db_session.refresh(done)
    assert done.status == "done"


def test_an_amendment_moving_a_due_date_keeps_work_already_done(db_session: Session) -> None:
    old_id = seeded_plan(db_session)
    compile_now(db_session, old_id)
    june = next(o for o in by_item(db_session, old_id)["3"] if o.period_start == date(2019, 6, 1))
    record_done(db_session, june, by="UBND xã", at=NOW, note=None, on=date(2019, 6, 10), now=NOW)
    new_id = seeded_plan(db_session, AMENDED_PLAN)
    compile_now(db_session, new_id)  # item 3 moves from the month's end to the 20th
    db_session.refresh(june)
    assert (june.due, june.status, june.sequence) == (date(2019, 6, 20), "done", 2)


def test_a_narrower_period_cancels_and_the_wider_one_reinstates(db_session: Session) -> None:
    plan_id = seeded_plan(db_session)
    compile_now(db_session, plan_id)
    narrow = compile_now(db_session, plan_id, period=(date(2019, 1, 11), date(2019, 6, 30)))
    weekly_after_june = 26  # Fridays 5/7 … 27/12
    assert narrow.counts["cancelled"] >= weekly_after_june
    wide = compile_now(db_session, plan_id, period=(date(2019, 1, 11), date(2019, 12, 31)))
    assert wide.counts["cancelled"] == 0
    assert wide.counts["reinstated"] >= weekly_after_june
    assert wide.version == 3
    statuses = Counter(o.status for o in occurrences(db_session, plan_id))
    assert set(statuses) == {"pending"}


def test_completing_work_records_who_when_and_lateness(db_session: Session) -> None:
    plan_id = seeded_plan(db_session)
    compile_now(db_session, plan_id)
    weekly = by_item(db_session, plan_id)["2"]
    on_time, late = weekly[0], weekly[1]
    record_done(
        db_session, on_time, by="Trung tâm", at=NOW, note="Bản tin số 1", on=on_time.due, now=NOW
    )
    record_done(db_session, late, by="Trung tâm", at=NOW, note=None, on=date(2019, 1, 21), now=NOW)
    assert (on_time.status, late.status) == ("done", "done_late")
    event = db_session.scalars(
        select(OccurrenceEvent).where(OccurrenceEvent.occurrence_id == late.id)
    ).one()
    assert (event.from_status, event.to_status, event.by) == ("pending", "done_late", "Trung tâm")
    assert on_time.note == "Bản tin số 1" and on_time.sequence == 1
    assert weekly[2].status_on(date(2019, 2, 1)) == "overdue"
    assert weekly[2].status_on(date(2019, 1, 1)) == "pending"
