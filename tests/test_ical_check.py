"""Tests of tests/support/ical_check.py, the three-parser feed checker, on small fixtures.

valid-feed.ics was written once by icalendar (so its folding is icalendar's); the broken
files are hand-written. Each test pins one thing the checker must notice, or one way the
parsers behave that the checker's rules depend on.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.support.ical_check import (
    JS_DIR,
    IcalJsError,
    SeenEvent,
    assert_parsers_agree,
    assert_well_folded,
    ensure_ical_js,
    expand_with_ical_js,
    expand_with_recurring_ical_events,
    ical_js_json,
    install_ical_js,
    read_with_ical_js,
    read_with_icalendar,
)

ICS = FIXTURES / "ics"
VALID = ICS / "valid-feed.ics"
MARCH = (date(2026, 3, 1), date(2026, 4, 1))

DEADLINE_DESCRIPTION = (
    "Căn cứ Kế hoạch số 12/KH-SNV, ngày 05/01/2026;\n"
    "đơn vị: Phòng Tổ chức, biên chế\n"
    "đường dẫn: \\\\files\\báo-cáo\\quý-I"
)
EMOJI_SUMMARY = "📅 Hạn chót: báo cáo quý I 🇻🇳"
EMOJI_DESCRIPTION = (
    "Nhắc: gửi bản ký số trước 17 giờ ⏰ — đầu mối: chị Hằng, phòng Cải cách hành chính 🙏 " * 2
)
WEEKLY_OCCURRENCES = [
    ("weekly-1@dondoc.test", date(2026, 3, 2)),
    ("weekly-1@dondoc.test", date(2026, 3, 10)),  # the 9 March instance, moved to Tuesday
    ("weekly-1@dondoc.test", date(2026, 3, 16)),  # cancelled by its exception, still listed
    ("weekly-1@dondoc.test", date(2026, 3, 23)),
]


@pytest.fixture(scope="module")
def ical_js() -> Path:
    return ensure_ical_js()


def by_uid(events: list[SeenEvent], uid: str) -> list[SeenEvent]:
    return [event for event in events if event.uid == uid]


def both_readers(ical_js: Path) -> dict[str, list[SeenEvent]]:
    return {
        "icalendar": read_with_icalendar(VALID.read_bytes()),
        "ical.js": read_with_ical_js(VALID),
    }


# --- assert_well_folded -----------------------------------------------------------------------


def test_icalendar_built_feed_is_well_folded() -> None:
    assert_well_folded(VALID.read_bytes())


def test_line_of_80_octets_is_rejected() -> None:
    with pytest.raises(AssertionError, match=r"line 9 is 80 octets \(> 75\)"):
        assert_well_folded((ICS / "badly-folded-80-octets.ics").read_bytes())


def test_line_of_exactly_75_octets_is_accepted() -> None:
    line = b"SUMMARY:" + b"x" * (75 - len(b"SUMMARY:"))
    assert_well_folded(b"BEGIN:VCALENDAR\r\n" + line + b"\r\nEND:VCALENDAR\r\n")


def test_fold_inside_a_utf8_character_is_rejected() -> None:
    with pytest.raises(AssertionError, match="line 9 is not UTF-8 on its own") as raised:
        assert_well_folded((ICS / "folded-inside-utf8.ics").read_bytes())
    assert "line 10 is not UTF-8 on its own" in str(raised.value)


def test_lf_line_endings_are_rejected() -> None:
    lf_only = VALID.read_bytes().replace(b"\r\n", b"\n")
    with pytest.raises(AssertionError, match="bare LF or CR"):
        assert_well_folded(lf_only)


def test_missing_final_crlf_is_rejected() -> None:
    with pytest.raises(AssertionError, match="last line does not end with CRLF"):
        assert_well_folded(VALID.read_bytes().removesuffix(b"\r\n"))


# --- reading with each parser -----------------------------------------------------------------


def test_all_day_dtend_is_read_as_the_exclusive_day_by_both_readers(ical_js: Path) -> None:
    for name, events in both_readers(ical_js).items():
        [span] = by_uid(events, "span-1@dondoc.test")
        assert (span.start, span.end, span.all_day) == (
            date(2026, 3, 16),
            date(2026, 3, 20),
            True,
        ), name


def test_all_day_event_ends_before_its_dtend_in_both_expanders(ical_js: Path) -> None:
    last_day = (date(2026, 3, 19), date(2026, 3, 20))
    day_after = (date(2026, 3, 20), date(2026, 3, 21))
    span = [("span-1@dondoc.test", date(2026, 3, 16))]
    data = VALID.read_bytes()
    assert expand_with_recurring_ical_events(data, *last_day) == span
    assert expand_with_ical_js(VALID, *last_day) == span
    assert expand_with_recurring_ical_events(data, *day_after) == []
    assert expand_with_ical_js(VALID, *day_after) == []


def test_vietnamese_text_with_escapes_reads_back_exactly(ical_js: Path) -> None:
    for name, events in both_readers(ical_js).items():
        [deadline] = by_uid(events, "deadline-1@dondoc.test")
        assert deadline.summary == "Nộp báo cáo: tổng hợp, đánh giá; kiến nghị", name
        assert deadline.description == DEADLINE_DESCRIPTION, name


def test_emoji_survive_folding_in_both_readers(ical_js: Path) -> None:
    for name, events in both_readers(ical_js).items():
        [reminder] = by_uid(events, "emoji-1@dondoc.test")
        assert (reminder.summary, reminder.description) == (EMOJI_SUMMARY, EMOJI_DESCRIPTION), name


def test_cancelled_event_keeps_status_and_sequence(ical_js: Path) -> None:
    for name, events in both_readers(ical_js).items():
        [cancelled] = by_uid(events, "cancelled-1@dondoc.test")
        assert (cancelled.status, cancelled.sequence) == ("CANCELLED", 2), name


def test_recurring_ical_events_does_not_skip_cancelled_events() -> None:
    # assert_parsers_agree compares cancelled occurrences like any other because of this.
    occurrences = expand_with_recurring_ical_events(VALID.read_bytes(), *MARCH)
    assert ("cancelled-1@dondoc.test", date(2026, 3, 12)) in occurrences
    assert ("weekly-1@dondoc.test", date(2026, 3, 16)) in occurrences


def test_moved_and_cancelled_instances_expand_alike(ical_js: Path) -> None:
    from_python = expand_with_recurring_ical_events(VALID.read_bytes(), *MARCH)
    from_js = expand_with_ical_js(VALID, *MARCH)
    assert [o for o in from_python if o[0] == "weekly-1@dondoc.test"] == WEEKLY_OCCURRENCES
    assert [o for o in from_js if o[0] == "weekly-1@dondoc.test"] == WEEKLY_OCCURRENCES


def test_ical_js_reads_the_calendar_properties(ical_js: Path) -> None:
    assert ical_js_json(VALID)["calendar"] == {
        "name": "Kế hoạch; Sở Nội vụ, 2026",
        "refresh": "PT1H",
        "ttl": "PT1H",
    }


def test_ical_js_rejects_a_continuation_line_without_its_space(ical_js: Path) -> None:
    with pytest.raises(IcalJsError, match=r"invalid line \(no token"):
        read_with_ical_js(ICS / "ical-js-unparseable.ics")


def test_icalendar_parse_errors_are_raised_not_swallowed() -> None:
    with pytest.raises(AssertionError, match=r"VEVENT no-fold-space@dondoc\.test: .*của các sở"):
        read_with_icalendar((ICS / "ical-js-unparseable.ics").read_bytes())


def test_read_ics_exits_1_with_the_message_on_stderr(ical_js: Path) -> None:
    node = shutil.which("node")
    assert node is not None
    result = subprocess.run(
        [node, str(ical_js), str(ICS / "ical-js-unparseable.ics")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert "invalid line" in result.stderr


# --- assert_parsers_agree ---------------------------------------------------------------------


def test_parsers_agree_on_the_valid_feed(ical_js: Path) -> None:
    events = assert_parsers_agree(VALID, *MARCH)
    assert sorted((event.uid, event.start) for event in events) == [
        ("cancelled-1@dondoc.test", date(2026, 3, 12)),
        ("deadline-1@dondoc.test", date(2026, 3, 10)),
        ("emoji-1@dondoc.test", date(2026, 3, 31)),
        ("span-1@dondoc.test", date(2026, 3, 16)),
        ("weekly-1@dondoc.test", date(2026, 3, 2)),
        ("weekly-1@dondoc.test", date(2026, 3, 10)),
        ("weekly-1@dondoc.test", date(2026, 3, 16)),
    ]


def test_duplicate_uid_with_higher_sequence_is_a_disagreement(ical_js: Path) -> None:
    # recurring_ical_events keeps only the SEQUENCE:1 copy; ical.js expands both.
    with pytest.raises(AssertionError, match=re.escape("only ical.js: ('meeting-1@dondoc.test'")):
        assert_parsers_agree(ICS / "duplicate-uid.ics", *MARCH)


def test_escaped_colon_is_a_disagreement(ical_js: Path, tmp_path: Path) -> None:
    # RFC 5545 TEXT escapes only \\ \; \, \n; some writers also escape ":". icalendar
    # unescapes "\:" to ":", ical.js keeps the backslash, so a feed must never write it.
    feed = tmp_path / "escaped-colon.ics"
    feed.write_bytes(
        VALID.read_bytes().replace(b"SUMMARY:Giao ban tu", "SUMMARY:Họp\\: Giao ban tu".encode())
    )
    [python_master, *_] = by_uid(read_with_icalendar(feed.read_bytes()), "weekly-1@dondoc.test")
    [js_master, *_] = by_uid(read_with_ical_js(feed), "weekly-1@dondoc.test")
    assert (python_master.summary, js_master.summary) == (
        "Họp: Giao ban tuần",
        "Họp\\: Giao ban tuần",
    )
    with pytest.raises(AssertionError, match=r"icalendar and ical\.js disagree"):
        assert_parsers_agree(feed, *MARCH)


def test_fold_inside_a_utf8_character_garbles_both_readers_alike(ical_js: Path) -> None:
    # Why assert_well_folded exists: both readers decode before unfolding, so they agree on
    # the same U+FFFD damage and assert_parsers_agree alone cannot see it. (sabre/vobject
    # unfolds the bytes first and reads the title whole: it is left out here.)
    path = ICS / "folded-inside-utf8.ics"
    [seen] = assert_parsers_agree(path, *MARCH, other_clients=False)
    assert "\ufffd" in seen.summary
    assert seen.summary != "Kiểm tra việc thực hiện kế hoạch của các sở ngành"


# --- installing ical.js -----------------------------------------------------------------------


def test_ensure_ical_js_installs_the_locked_version(ical_js: Path) -> None:
    pinned = json.loads((JS_DIR / "package.json").read_text())["dependencies"]["ical.js"]
    locked = json.loads((JS_DIR / "package-lock.json").read_text())
    installed = json.loads((JS_DIR / "node_modules/ical.js/package.json").read_text())
    assert ical_js == JS_DIR / "read_ics.mjs"
    assert pinned == locked["packages"]["node_modules/ical.js"]["version"]
    assert installed["version"] == pinned
    assert ensure_ical_js() is ical_js


def test_npm_ci_runs_from_the_lockfile_once(ical_js: Path, tmp_path: Path) -> None:
    for name in ("package.json", "package-lock.json"):
        shutil.copy(JS_DIR / name, tmp_path / name)
    assert install_ical_js(tmp_path) is True
    assert (tmp_path / "node_modules/ical.js/package.json").is_file()
    assert install_ical_js(tmp_path) is False
