"""Feeds built from compiled plans, read back by icalendar, recurring-ical-events and ical.js,
on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import vobject
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from calendars.feeds import FeedBuilder, FeedSpec, write_feeds
from calendars.ics import MAX_EVENTS, calendar_bytes
from dondoc.core.db import session_scope
from models import Agency, Occurrence, Plan
from models.status import record_done
from tasks.directory import import_directory, load_directory
from tasks.plans import (
    ParsedItem,
    ParsedPlan,
    import_parsed_plan,
    import_plan_file,
    parse_timeframe,
)
from tasks.schedule import compile_plan
from tests.conftest import EXAMPLES, FIXTURES
from tests.support.ical_check import (
    assert_parsers_agree,
    assert_well_folded,
    ensure_ical_js,
    ical_js_json,
    read_with_icalendar,
)
from tests.support.seeds import OPTIONS, SONG_MA_PLAN, seed_song_ma
from tests.support.settings import SettingsEnv

NOW = datetime(2019, 1, 12, 3, 0, tzinfo=UTC)
TODAY = date(2019, 3, 1)
WINDOW = (date(2018, 12, 1), date(2020, 1, 1))


def seeded(session: Session, path: Path = SONG_MA_PLAN) -> int:
    return seed_song_ma(session, path, compile=True, at=NOW)


def agency(session: Session, name: str) -> Agency:
    return session.scalars(select(Agency).where(Agency.name == name)).one()


def write(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_an_agency_feed_shows_its_own_and_supported_deadlines(
    db_session: Session, tmp_path: Path
) -> None:
    seeded(db_session)
    centre = agency(db_session, "Trung tâm Truyền thông - Văn hóa huyện")
    document = FeedBuilder(db_session, TODAY).build(FeedSpec("agency", centre.id, "Trung tâm"))
    assert_well_folded(document.body)
    events = assert_parsers_agree(write(tmp_path, "a.ics", document.body), *WINDOW)
    lead = [e for e in events if "[Chủ trì]" in e.summary]
    support = [e for e in events if "[Phối hợp]" in e.summary]
    weekly = [e for e in lead if "Đưa tin" in e.summary]
    assert len(weekly) == 51
    assert len(lead) == 51 + 12 + 4  # and, as one of "Các cơ quan, đơn vị", items 1 and 6
    assert {e.start.weekday() for e in lead} <= {0, 1, 2, 3, 4}
    assert all((e.end - e.start).days == 1 and e.all_day for e in events)
    review = sorted(e.start for e in support if "Sơ kết" in e.summary)  # item 7 (6 tháng, năm)
    assert review == [date(2019, 6, 28), date(2019, 12, 31)]
    assert not any("Đưa tin" in e.summary for e in support)  # led, so not also supported
    first = min(lead, key=lambda e: e.start)
    assert first.summary.startswith("QUÁ HẠN [Chủ trì]")  # 11/1/2019, long before 1/3/2019
    assert "33/KH-UBND" in first.description and "Hàng tuần" in first.description
    assert "Báo cáo hoàn thành: http://127.0.0.1:8000/done/" in first.description
    assert document.events == len(events) and document.trimmed == 0


def test_an_unchanged_feed_is_byte_identical_and_a_change_raises_sequence(
    db_session: Session,
) -> None:
    seeded(db_session)
    centre = agency(db_session, "Trung tâm Truyền thông - Văn hóa huyện")
    spec = FeedSpec("agency", centre.id, "Trung tâm")
    before = FeedBuilder(db_session, TODAY).build(spec)
    assert FeedBuilder(db_session, TODAY).build(spec).body == before.body
    occurrence = db_session.scalars(
        select(Occurrence).where(Occurrence.agency_id == centre.id).order_by(Occurrence.due)
    ).first()
    assert occurrence is not None
    later = datetime(2019, 2, 1, tzinfo=UTC)
    record_done(
        db_session, occurrence, by="Trung tâm", at=later, note=None, on=date(2019, 2, 1), now=later
    )
    after = FeedBuilder(db_session, TODAY).build(spec)
    assert after.etag != before.etag and after.last_modified >= before.last_modified
    uid = f"dondoc-occ-{occurrence.id}@127.0.0.1"
    old = {e.uid: e for e in read_with_icalendar(before.body)}[uid]
    new = {e.uid: e for e in read_with_icalendar(after.body)}[uid]
    assert new.sequence > old.sequence
    assert new.summary.startswith("✓ [Chủ trì]") and old.summary.startswith("QUÁ HẠN")


def test_the_monitoring_feed_marks_overdue_work_and_names_the_late(
    db_session: Session, tmp_path: Path
) -> None:
    seeded(db_session)
    office = agency(db_session, "Phòng Nội vụ")
    document = FeedBuilder(db_session, TODAY).build(FeedSpec("monitoring", office.id, "PNV"))
    events = assert_parsers_agree(write(tmp_path, "m.ics", document.body), *WINDOW)
    january = [e for e in events if e.start == date(2019, 1, 31) and "Phát thanh" in e.summary]
    assert len(january) == 1  # one event for the 19 communes' monthly item
    assert january[0].summary.startswith("QUÁ HẠN [0/19 ✓, 19 quá hạn]")
    assert "Quá hạn: UBND thị trấn Sông Mã" in january[0].description
    assert "và 9 đơn vị khác" in january[0].description
    future = [e for e in events if e.start > TODAY]
    assert future and not any(e.summary.startswith("QUÁ HẠN") for e in future)


def test_cancelled_work_stays_in_the_feed_as_cancelled_with_a_higher_sequence(
    db_session: Session, tmp_path: Path
) -> None:
    seeded(db_session)
    office = agency(db_session, "Phòng Nội vụ")
    spec = FeedSpec("agency", office.id, "PNV")
    before = {
        e.uid: e for e in read_with_icalendar(FeedBuilder(db_session, TODAY).build(spec).body)
    }
    amended = import_plan_file(db_session, FIXTURES / "plans" / "song-ma-2019-kh33-amended.txt")
    db_session.get(Plan, amended.plan_id).approve("Nguyễn Văn A", NOW)  # type: ignore[union-attr]
    compile_plan(db_session, amended.plan_id, OPTIONS, now=NOW)
    document = FeedBuilder(db_session, TODAY).build(spec)
    events = assert_parsers_agree(write(tmp_path, "c.ics", document.body), *WINDOW)
    cancelled = [e for e in events if e.status == "CANCELLED"]
    assert len(cancelled) == 1 and "Vận động" in cancelled[0].summary
    assert cancelled[0].sequence > before[cancelled[0].uid].sequence
    kept = [e for e in events if e.uid in before and e.status != "CANCELLED"]
    assert kept, "UIDs of the items the amendment keeps are stable"


def test_hostile_plan_text_keeps_the_feed_valid(db_session: Session, tmp_path: Path) -> None:
    import_directory(db_session, load_directory(EXAMPLES / "directories" / "song-ma.yaml"))
    nasty = (
        "Báo cáo; kiểm tra, đánh giá \\ tổng hợp\r\ndòng mới\nBEGIN:VEVENT 🇻🇳 😀 "
        + unicodedata.normalize("NFD", "Tuyên truyền cải cách hành chính ")
        + "rất dài " * 200
    )
    item = ParsedItem("1", nasty, ["Phòng Nội vụ"], [], parse_timeframe("Hàng tuần", year=2019))
    parsed = ParsedPlan(title="Kế hoạch; thử, nghiệm", number="9/KH", issuer="UBND huyện Sông Mã")
    parsed.items.append(item)
    plan_id = import_parsed_plan(db_session, parsed, source_text=nasty).plan_id
    db_session.get(Plan, plan_id).approve("A", NOW)  # type: ignore[union-attr]
    compile_plan(
        db_session, plan_id, OPTIONS, period=(date(2019, 1, 1), date(2019, 3, 31)), now=NOW
    )
    document = FeedBuilder(db_session, TODAY).build(FeedSpec("plan", plan_id, "KH; 9, \\"))
    assert_well_folded(document.body)
    events = assert_parsers_agree(write(tmp_path, "n.ics", document.body), *WINDOW)
    assert len(events) == 13
    assert events[0].summary.endswith(nasty.replace("\r\n", "\n"))
    assert b"\nBEGIN:VEVENT \xf0\x9f" not in document.body  # the text never starts a line


def test_a_feed_keeps_the_nearest_1000_deadlines_and_says_so(
    db_session: Session, tmp_path: Path
) -> None:
    import_directory(db_session, load_directory(EXAMPLES / "directories" / "song-ma.yaml"))
    items = [
        ParsedItem(
            str(n), f"Việc {n}", ["Phòng Nội vụ"], [], parse_timeframe("Hàng tuần", year=2019)
        )
        for n in range(1, 31)
    ]
    parsed = ParsedPlan(
        title="Nhiều việc", number="10/KH", issuer="UBND huyện Sông Mã", items=items
    )
    plan_id = import_parsed_plan(db_session, parsed, source_text="many").plan_id
    db_session.get(Plan, plan_id).approve("A", NOW)  # type: ignore[union-attr]
    compile_plan(
        db_session, plan_id, OPTIONS, period=(date(2019, 1, 1), date(2019, 12, 31)), now=NOW
    )
    office = agency(db_session, "Phòng Nội vụ")
    document = FeedBuilder(db_session, TODAY).build(FeedSpec("agency", office.id, "PNV"))
    assert document.events == MAX_EVENTS
    assert document.trimmed == 30 * 52 - MAX_EVENTS  # 52 Fridays in 2019, all in the window
    assert len(document.body) < 1_000_000
    assert "không hiện để lịch không vượt giới hạn" in document.body.decode().replace("\r\n ", "")
    assert_parsers_agree(write(tmp_path, "t.ics", document.body), *WINDOW)


def test_write_feeds_writes_every_feed_as_a_file(db_session: Session, tmp_path: Path) -> None:
    seeded(db_session)
    written = write_feeds(db_session, tmp_path / "feeds", TODAY)
    assert {feed.spec.kind for feed in written} == {"agency", "monitoring", "plan"}
    builder = FeedBuilder(db_session, TODAY)
    for feed in written:
        assert feed.path.read_bytes() == builder.build(feed.spec).body
    # the two groups' members, and two that only support items (they owe no deadline, and had
    # no feed built before: "Đoàn thể chính trị, xã hội các xã, thị trấn", "Ban quản lý bản,
    # tổ dân phố")
    assert len([f for f in written if f.spec.kind == "agency"]) == 19 + 10 + 2
    # every one reads the same in icalendar, ical.js, sabre/vobject (validated) and libical
    # (on SQLite only: four readers over 31 feeds take half a minute, and what they read does
    # not depend on the database the rows came from)
    if db_session.get_bind().dialect.name != "sqlite":
        return
    with ThreadPoolExecutor(2) as pool:
        read = pool.map(lambda feed: assert_parsers_agree(feed.path, *WINDOW), written)
        assert all(events for events in read)


def test_several_workers_write_the_same_feeds(database_url: str, tmp_path: Path) -> None:
    with session_scope(database_url) as session:
        seeded(session)
    with session_scope(database_url) as session:
        alone = write_feeds(session, tmp_path / "one", TODAY, kinds={"agency"})
        shared = write_feeds(session, tmp_path / "two", TODAY, workers=2, kinds={"agency"})
    assert [(f.spec, f.etag) for f in shared] == [(f.spec, f.etag) for f in alone]
    assert {f.spec.kind for f in shared} == {"agency"}


def test_calendar_names_with_commas_and_semicolons_read_whole_in_independent_readers(
    tmp_path: Path,
) -> None:
    name = "dondoc — Sở Văn hóa, Thể thao và Du lịch (việc)"
    description = "Việc của sở; theo dõi, đôn đốc"
    body, _, _ = calendar_bytes(name, description, [], TODAY)
    path = write(tmp_path, "named.ics", body)
    calendar = vobject.readOne(body.decode("utf-8"))
    assert [calendar.contents[key][0].value for key in ("name", "x-wr-calname")] == [name, name]
    assert calendar.contents["x-wr-caldesc"][0].value == description
    # ical.js (like Python's icalendar) has no type for NAME and X-WR-CALNAME and hands back
    # the TEXT value as written (RFC 5545 §3.8.8.2: TEXT is an X-property's default): whole,
    # not split, with its "\," escape still on
    ensure_ical_js()
    assert ical_js_json(path)["calendar"]["name"] == name.replace(",", "\\,")


def test_a_feed_with_no_deadline_left_is_still_valid_icalendar(tmp_path: Path) -> None:
    # RFC 5545 §3.6: a calendar holds at least one component (sabre/vobject 4 refuses one
    # without); every feed becomes empty once its plans have ended
    body, kept, _ = calendar_bytes("dondoc — Phòng Nội vụ", "Không còn việc", [], TODAY)
    assert kept == 0
    calendar = Calendar.from_ical(body)
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert not calendar.walk("VEVENT")
    assert vobject.readOne(body.decode("utf-8")).vtimezone.tzid.value == "Asia/Ho_Chi_Minh"
    assert assert_parsers_agree(write(tmp_path, "empty.ics", body), *WINDOW) == []
    assert_well_folded(body)


def test_a_uid_domain_set_once_keeps_every_event_when_the_address_changes(
    db_session: Session, settings_env: SettingsEnv
) -> None:
    seeded(db_session)
    centre = agency(db_session, "Trung tâm Truyền thông - Văn hóa huyện")
    spec = FeedSpec("agency", centre.id, "Trung tâm")

    def uids(base_url: str, uid_domain: str | None) -> set[str]:
        settings_env.set(base_url=base_url, uid_domain=uid_domain)
        body = FeedBuilder(db_session, TODAY).build(spec).body
        return {event.uid for event in read_with_icalendar(body)}

    trial = uids("http://127.0.0.1:8000", "lich.songma.gov.vn")
    assert trial == uids("https://lich.songma.gov.vn", "lich.songma.gov.vn")
    assert all(uid.endswith("@lich.songma.gov.vn") for uid in trial)
    # unset, the domain is the address's host: moving replaces every subscriber's events
    assert uids("http://127.0.0.1:8000", None).isdisjoint(uids("https://lich.gov.vn", None))
