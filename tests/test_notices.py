"""Which deadlines a day's emails are about: reminders on their lead-time days, the overdue
ladder one rung at a time, nothing on days off, nothing twice. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dondoc.core.db import session_scope
from models import Agency, Occurrence, OccurrenceEvent
from models.status import record_done
from tasks.notify import LinkMaker, NoticeRun, NotifyPolicy, NotifyPolicyError, due_soon, overdue
from tasks.schedule import WorkCalendar
from tests.support.seeds import seed_song_ma

POLICY = NotifyPolicy.from_file()
CALENDAR = WorkCalendar.from_file(None)
LINKS = LinkMaker("https://dondoc.example.org", "test-secret")
CENTRE = "Trung tâm Truyền thông - Văn hóa huyện"
WEEKLY_DUE = date(2019, 4, 5)  # item 2 ("Hàng tuần"), the week of 1–5 April


@pytest.fixture
def seeded(database_url: str) -> str:
    with session_scope(database_url) as session:
        seed_song_ma(session, compile=True)
    return database_url


def _remind(url: str, day: date) -> NoticeRun:
    with session_scope(url) as session:
        return due_soon(session, day, POLICY, CALENDAR, LINKS)


def _escalate(url: str, day: date, *, dry_run: bool = False) -> NoticeRun:
    with session_scope(url) as session:
        now = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        return overdue(session, day, POLICY, CALENDAR, LINKS, now, dry_run=dry_run)


def _to(run: NoticeRun, name: str, kind: str | None = None) -> list:
    return [d for d in run.digests if d.recipient.name == name and (kind is None or d.kind == kind)]


def _centre_week(run: NoticeRun) -> list:
    return [
        item
        for d in _to(run, CENTRE)
        for item in d.items
        if item.seq == "2" and item.due == WEEKLY_DUE and item.role == "lead"
    ]


def test_due_soon_reminds_the_weekly_lead_one_working_day_before(seeded: str) -> None:
    run = _remind(seeded, date(2019, 3, 28))
    [digest] = _to(run, CENTRE)
    assert [(i.seq, i.role, i.due, i.working_days) for i in digest.by_role("lead")] == [
        ("2", "lead", date(2019, 3, 29), 1)
    ]
    assert digest.items[0].link.startswith("https://dondoc.example.org/done/")
    assert (
        digest.items[0].ics_uid == f"dondoc-occ-{digest.items[0].occurrence_id}@dondoc.example.org"
    )


def test_due_soon_tells_each_supporting_agency_once_per_deadline(seeded: str) -> None:
    run = _remind(seeded, date(2019, 3, 28))
    [digest] = _to(run, "Phòng Tư pháp")
    support = digest.by_role("coordinating")
    # Item 2 is led by the centre; item 3 by 19 communes, but Phòng Tư pháp does not support it.
    assert [(i.seq, i.agency_name, i.link) for i in support] == [("2", CENTRE, "")]
    assert support[0].ics_uid.startswith(f"dondoc-sup-{digest.recipient.agency_id}-")


def test_due_soon_reports_agencies_without_an_email(seeded: str) -> None:
    run = _remind(seeded, date(2019, 3, 28))
    assert "Ban quản lý bản, tổ dân phố" in run.without_email.values()
    assert all(d.recipient.email for d in run.digests)


def test_due_soon_follows_the_policy_lead_times(seeded: str) -> None:
    # Friday 29/3 is item 3's monthly deadline: reminded 5 and 1 working days before.
    assert {i.seq for d in _remind(seeded, date(2019, 3, 22)).digests for i in d.items} >= {"3"}
    assert "3" not in {i.seq for d in _remind(seeded, date(2019, 3, 25)).digests for i in d.items}


@pytest.mark.parametrize(
    ("day", "why"), [(date(2019, 3, 30), "Saturday"), (date(2019, 4, 15), "Giỗ Tổ, observed")]
)
def test_nothing_is_sent_on_a_day_off(seeded: str, day: date, why: str) -> None:
    for run in (_remind(seeded, day), _escalate(seeded, day)):
        assert run.digests == [], why
        assert run.skipped and "not a working day" in run.skipped


def test_escalation_climbs_the_ladder_one_rung_at_a_time(seeded: str) -> None:
    _escalate(seeded, date(2019, 4, 5))  # the backlog of earlier weeks, out of the way
    first = _escalate(seeded, date(2019, 4, 8))  # 1 working day late: the centre, head in copy
    [digest] = [d for d in _to(first, CENTRE, "overdue") if _centre_week(first)]
    assert digest.recipient.cc == ("giamdoc.ttttvh.songma@example.org",)
    assert not [d for d in first.digests if d.kind == "escalation" and _centre_week(first)]

    assert not _centre_week(_escalate(seeded, date(2019, 4, 9)))  # rung 1 again: nothing

    third = _escalate(seeded, date(2019, 4, 10))  # 3 days: the Interior Office, and a copy
    [to_office] = _to(third, "Phòng Nội vụ", "escalation")
    assert any(i.seq == "2" and i.due == WEEKLY_DUE and i.level == 2 for i in to_office.items)
    assert [i.level for i in _centre_week(third)] == [2]

    repeat = CALENDAR.add_working_days(WEEKLY_DUE, 8)  # 5 working days later, past Giỗ Tổ
    assert not _centre_week(_escalate(seeded, CALENDAR.add_working_days(WEEKLY_DUE, 7)))
    again = _escalate(seeded, repeat)
    [to_office] = _to(again, "Phòng Nội vụ", "escalation")
    assert any(i.seq == "2" and i.due == WEEKLY_DUE and i.level == 3 for i in to_office.items)
    assert not _centre_week(again)  # repeats go to the monitoring agency only


def test_escalation_run_twice_queues_nothing_more(seeded: str) -> None:
    first = _escalate(seeded, date(2019, 4, 10))
    assert first.flipped > 0 and first.digests
    second = _escalate(seeded, date(2019, 4, 10))
    assert (second.flipped, second.digests) == (0, [])


def test_a_missed_day_sends_the_rung_reached_not_every_rung(seeded: str) -> None:
    run = _escalate(seeded, date(2019, 4, 10))  # the first run ever: 3 weeks of backlog
    levels = [(i.due, i.level) for d in run.digests for i in d.items if i.seq == "2"]
    assert (date(2019, 3, 22), 4) in levels  # 13 working days late: rung 4 (3, 8, 13), once
    assert len([x for x in levels if x[0] == date(2019, 3, 22)]) == 1


def test_work_reported_done_is_not_escalated(seeded: str) -> None:
    with session_scope(seeded) as session:
        centre = session.scalar(select(Agency.id).where(Agency.name == CENTRE))
        occurrence = session.scalar(
            select(Occurrence).where(Occurrence.agency_id == centre, Occurrence.due == WEEKLY_DUE)
        )
        assert occurrence is not None
        moment = datetime(2019, 4, 5, 9, tzinfo=UTC)
        record_done(
            session, occurrence, by="Cán bộ", at=moment, note=None, on=WEEKLY_DUE, now=moment
        )
    assert not _centre_week(_escalate(seeded, date(2019, 4, 10)))


def test_overdue_flips_are_recorded_as_history(seeded: str) -> None:
    run = _escalate(seeded, date(2019, 4, 10))
    with session_scope(seeded) as session:
        flips = session.scalar(select(func.count()).where(OccurrenceEvent.to_status == "overdue"))
        still_pending = session.scalar(
            select(func.count()).where(
                Occurrence.status == "pending", Occurrence.due < date(2019, 4, 10)
            )
        )
    assert flips == run.flipped > 0
    assert still_pending == 0


def test_a_dry_run_writes_nothing_and_shows_the_same_digests(seeded: str) -> None:
    dry = _escalate(seeded, date(2019, 4, 10), dry_run=True)
    real = _escalate(seeded, date(2019, 4, 10))
    assert [d.key for d in dry.digests] == [d.key for d in real.digests]


def test_escalations_go_to_the_monitoring_agency_the_admin_set(seeded: str) -> None:
    with session_scope(seeded) as session:
        _set_monitor(session, "Văn phòng HĐND và UBND huyện")
    run = _escalate(seeded, date(2019, 4, 10))
    assert _to(run, "Văn phòng HĐND và UBND huyện", "escalation")
    assert not _to(run, "Phòng Nội vụ", "escalation")


def _set_monitor(session: Session, name: str) -> None:
    from models import Plan

    agency = session.scalar(select(Agency).where(Agency.name == name))
    assert agency is not None
    for plan in session.scalars(select(Plan)):
        plan.monitoring_agency_id = agency.id


def test_a_policy_file_error_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("reminders:\n  weekly: [1]\n  monthly: [-2]\nescalation:\n  lead_afte: 1\n")
    with pytest.raises(NotifyPolicyError) as caught:
        NotifyPolicy.from_file(path)
    message = str(caught.value)
    assert f"{path}:3: reminders.monthly" in message
    assert f"{path}:5: escalation.lead_afte" in message
