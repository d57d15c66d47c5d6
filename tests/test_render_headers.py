"""Rendering a digest into an email: headers that survive any plan text (RFC 2047, no
injected lines), the date in Vietnam time, and message IDs and threads that hold across days."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import date

from icalendar import Calendar

from tasks.notify import Digest
from tests.support.digests import (
    CENTRE,
    CULTURE,
    RECIPIENTS,
    attachments,
    digest,
    due_soon_digest,
    late,
    raw,
    render,
)


def test_subject_and_recipient_name_round_trip_through_rfc2047() -> None:
    data = raw(due_soon_digest())
    head = data.split(b"\r\n\r\n", 1)[0]
    head.decode("ascii")  # raises on any raw UTF-8 byte in the headers
    assert b"=?utf-8?" in head
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Subject"] == "Sắp đến hạn: 3 việc (28/03/2019)"
    [to] = message["To"].addresses
    assert (to.display_name, to.addr_spec) == (CENTRE, "ttvh@songma.example.vn")
    assert message["Cc"].addresses[0].addr_spec == "giamdoc.ttvh@songma.example.vn"
    assert message["From"].addresses[0].addr_spec == "dondoc@example.org"


def test_date_is_in_vietnam_time_and_the_mail_marked_automatic() -> None:
    message = render(due_soon_digest())
    assert message["Date"] == "Thu, 28 Mar 2019 07:30:00 +0700"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["List-Id"] == "dondoc <dondoc.dondoc.example.org>"


def test_message_id_is_stable_per_digest_key() -> None:
    first, again = render(due_soon_digest()), render(due_soon_digest())
    assert first["Message-ID"] == again["Message-ID"]
    assert re.fullmatch(r"<[0-9a-f]{32}@dondoc\.example\.org>", first["Message-ID"])
    next_day = replace(due_soon_digest(), day=date(2019, 3, 29))
    assert render(next_day)["Message-ID"] != first["Message-ID"]


def test_overdue_repeats_about_one_item_share_subject_and_thread_root() -> None:
    monday = render(digest("overdue", [late(1, 1)], day=date(2019, 4, 1)))
    later = render(digest("overdue", [late(1, 2, level=2)], day=date(2019, 4, 2)))
    assert monday["Subject"] == later["Subject"]
    assert monday["Subject"] == (
        "Quá hạn: Tổ chức tuyên truyền nội dung số 1 trên hệ thống truyền thanh cơ sở"
        " (KH 33/KH-UBND)"
    )
    assert monday["Message-ID"] != later["Message-ID"]
    assert monday["In-Reply-To"] == later["In-Reply-To"] == later["References"]
    assert monday["In-Reply-To"] not in (monday["Message-ID"], later["Message-ID"])


def test_overdue_threads_differ_by_items_and_recipient() -> None:
    day = date(2019, 4, 1)
    one = render(digest("overdue", [late(1, 1)], day=day))
    other = render(digest("overdue", [late(2, 1)], day=day))
    both = render(digest("overdue", [late(1, 1), late(2, 1)], day=day))
    elsewhere = render(digest("overdue", [late(1, 1)], to=CULTURE, day=day))
    roots = {m["In-Reply-To"] for m in (one, other, both, elsewhere)}
    assert len(roots) == 4


def test_overdue_subject_for_several_items_counts_them_without_a_date() -> None:
    items = [late(1, 1), late(2, 2), late(3, 1, plan_number="45/KH-UBND")]
    message = render(digest("overdue", items, day=date(2019, 4, 1)))
    assert message["Subject"] == "Quá hạn: 3 việc — KH 33/KH-UBND, 45/KH-UBND"


def test_due_soon_starts_no_thread() -> None:
    message = render(due_soon_digest())
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_line_breaks_in_plan_text_cannot_add_headers() -> None:
    evil = "Báo cáo\r\nBcc: ke-gian@evil.example\r\n\r\nthân thư giả"
    recipient = replace(RECIPIENTS[CENTRE], name=f"{CENTRE}\nX-Injected: 1")
    d = Digest("overdue", recipient, date(2019, 4, 1), (late(1, 1, content=evil),))
    data = raw(d)
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert message["Subject"].startswith("Quá hạn: Báo cáo Bcc: ke-gian@evil.example thân")
    assert message["To"].addresses[0].display_name == f"{CENTRE} X-Injected: 1"
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        assert re.match(rb"[A-Za-z-]+: |[ \t]", line), line
    [part] = attachments(message, "text/calendar")
    [event] = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("QUÁ HẠN [Chủ trì] Báo cáo\nBcc: ke-gian")
