"""Rendering a digest into an email, without a database: headers that survive any plan text,
threads that hold across days, HTML and text bodies, .ics parts that update the feeds' events
and the escalation's XLSX. Every message is read back from its SMTP bytes, as a client would."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from icalendar import Calendar

from calendars.feeds import _mark, _title
from notifications.render import all_labels, render_digest
from tasks.notify.digest import Digest, DigestKind, NoticeItem, Recipient

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BASE_URL = "https://dondoc.example.org"
MAIL_FROM = "dondoc <dondoc@example.org>"
NOW = datetime(2019, 3, 28, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội
PLAN = "33/KH-UBND"
PLAN_TITLE = "Kế hoạch tuyên truyền, phổ biến pháp luật năm 2019 trên địa bàn huyện Sông Mã"
INTERIOR = "Phòng Nội vụ"
CENTRE = "Trung tâm Truyền thông - Văn hóa huyện"
COMMUNE = "UBND xã Chiềng Khương"
CULTURE = "Phòng Văn hóa và Thông tin"
AGENCY_IDS = {INTERIOR: 1, CENTRE: 2, COMMUNE: 3, CULTURE: 4}
RECIPIENTS = {
    CENTRE: Recipient(2, CENTRE, "ttvh@songma.example.vn", ("giamdoc.ttvh@songma.example.vn",)),
    CULTURE: Recipient(4, CULTURE, "vhtt@songma.example.vn"),
    INTERIOR: Recipient(1, INTERIOR, "noivu@songma.example.vn"),
}


def notice(n: int = 1, **changes: Any) -> NoticeItem:
    """Deadline number `n` of plan 33/KH-UBND, led by the Centre, due Friday 29/03/2019."""
    lead = changes.pop("lead", CENTRE)
    item = NoticeItem(
        occurrence_id=100 + n,
        item_id=10 + n,
        plan_id=1,
        plan_number=PLAN,
        plan_title=PLAN_TITLE,
        seq=str(n),
        content=f"Tổ chức tuyên truyền nội dung số {n} trên hệ thống truyền thanh cơ sở",
        kind="due",
        period_start=date(2019, 3, 1),
        period_end=date(2019, 3, 31),
        due=date(2019, 3, 29),
        role="lead",
        agency_id=AGENCY_IDS[lead],
        agency_name=lead,
        working_days=1,
        level=0,
        link=f"{BASE_URL}/done/token-{n}.sig",
        ics_uid=f"dondoc-occ-{100 + n}@dondoc.example.org",
        ics_sequence=3,
        modified=datetime(2019, 3, 1, 8, 0, tzinfo=UTC),
    )
    return replace(item, **changes)


def supporting(n: int, lead: str = CULTURE, **changes: Any) -> NoticeItem:
    """A deadline `lead` owes that the recipient supports: no link, the feed's slot UID."""
    return notice(
        n, lead=lead, role="coordinating", link="", ics_uid=f"dondoc-sup-2-{n}@x", **changes
    )


def late(n: int, days: int, level: int = 1, **changes: Any) -> NoticeItem:
    due = date(2019, 3, 29) - timedelta(days=days + 2 * (days // 5))
    return notice(n, due=due, working_days=days, level=level, ics_sequence=4, **changes)


def digest(
    kind: DigestKind, items: list[NoticeItem], to: str = CENTRE, day: date = date(2019, 3, 28)
) -> Digest:
    return Digest(kind, RECIPIENTS[to], day, tuple(items))


def due_soon_digest() -> Digest:
    """What the Centre hears on Thursday 28/03/2019: two own deadlines, one it supports."""
    checkin = notice(2, kind="checkin", content="Tuyên truyền thường xuyên về cải cách hành chính")
    return digest("due_soon", [notice(1), checkin, supporting(3, due=date(2019, 4, 1))])


def overdue_digest() -> Digest:
    """What the Centre hears on Monday 01/04/2019: its own late deadline, its head in copy,
    and one it supports that the Culture Office has not reported."""
    items = [
        notice(1, working_days=1, level=1, ics_sequence=4),  # due Friday 29/03/2019
        supporting(3, working_days=1, level=1, ics_sequence=4),
    ]
    return digest("overdue", items, day=date(2019, 4, 1))


def escalation_digest() -> Digest:
    """What the Interior Office hears on Friday 05/04/2019: four deadlines of three leads."""
    items = [
        late(1, 3, level=2),
        late(2, 9, level=3, kind="checkin"),
        late(3, 4, level=2, lead=COMMUNE),
        late(4, 5, level=2, lead=CULTURE, plan_number="45/KH-UBND"),
    ]
    return digest("escalation", items, to=INTERIOR, day=date(2019, 4, 5))


def render(d: Digest, **options: Any) -> EmailMessage:
    """The email as a client reads it: serialised for SMTP, then parsed back."""
    return email.message_from_bytes(raw(d, **options), policy=email.policy.default)  # type: ignore[return-value]


def raw(d: Digest, **options: Any) -> bytes:
    settings: dict[str, Any] = {"mail_from": MAIL_FROM, "base_url": BASE_URL, "now": NOW, "tz": TZ}
    message = render_digest(d, **(settings | options))
    return message.as_bytes(policy=email.policy.SMTP)


def html(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def attachments(message: EmailMessage, content_type: str) -> list[EmailMessage]:
    return [p for p in message.iter_attachments() if p.get_content_type() == content_type]


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


def test_markup_in_plan_text_shows_as_text_in_html() -> None:
    hostile = notice(1, content="Họp <script>alert('x')</script>", plan_title="KH <b>in đậm</b>")
    page = html(render(digest("due_soon", [hostile])))
    assert "<script>" not in page
    assert "<b>in đậm" not in page
    assert "&lt;script&gt;" in page


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


def test_html_inlines_styles_and_keeps_the_phone_rules() -> None:
    page = html(render(escalation_digest()))
    assert "@media (max-width: 600px)" in page
    assert re.search(r'<div class="wrap" style="[^"]*max-width: ?720px', page)
    assert re.search(r'<table class="grid"[^>]* style="[^"]*border-collapse: ?collapse', page)
    assert not re.search(r"<link|<img|<script|@import|url\(|@font-face", page)


def test_text_part_lists_every_item_with_its_link() -> None:
    body = text(render(due_soon_digest()))
    assert "Kính gửi: Trung tâm Truyền thông - Văn hóa huyện" in body
    assert "Mục 1. Tổ chức tuyên truyền nội dung số 1" in body
    assert "Mục 3. Tổ chức tuyên truyền nội dung số 3" in body
    assert f"{BASE_URL}/done/token-1.sig" in body
    assert f"{BASE_URL}/done/token-2.sig" in body
    assert "token-3" not in body  # the supported deadline is reported by its lead
    assert "Hạn: Thứ Sáu, 29/03/2019 — Còn 1 ngày làm việc" in body
    assert "Loại: Báo cáo tiến độ" in body
    assert "mở trang xác nhận" in body


def test_html_shows_role_sections_buttons_and_the_lead_of_supported_work() -> None:
    page = html(render(due_soon_digest()))
    assert 'class="section section-lead"' in page
    assert 'class="section section-coordinating"' in page
    assert page.count(">Báo cáo hoàn thành</a>") == 2
    assert "Nút này mở trang xác nhận" in page
    assert "Đơn vị chủ trì:</span> <strong>Phòng Văn hóa và Thông tin</strong>" in page
    assert "Thứ Hai, 01/04/2019" in page
    assert "Báo cáo tiến độ" in page


def test_overdue_names_the_copied_head_and_both_roles() -> None:
    message = render(overdue_digest())
    body = text(message)
    assert "Email này đồng gửi lãnh đạo đơn vị" in body
    assert "Hạn: Thứ Sáu, 29/03/2019 — Quá hạn 1 ngày làm việc" in body
    assert "== CHỦ TRÌ ==" in body and "== PHỐI HỢP ==" in body
    page = html(message)
    assert page.count(">Báo cáo hoàn thành</a>") == 1


def test_role_sections_appear_only_for_the_roles_present() -> None:
    only_support = html(render(digest("overdue", [supporting(1, due=date(2019, 3, 27))])))
    assert "section-lead" not in only_support and "section-coordinating" in only_support
    assert ">Báo cáo hoàn thành</a>" not in only_support
    only_lead = html(render(digest("overdue", [late(1, 2)])))
    assert "section-lead" in only_lead and "section-coordinating" not in only_lead
    assert "Quá hạn 2 ngày làm việc" in only_lead


def test_calendar_parts_carry_the_feed_uid_and_sequence() -> None:
    d = due_soon_digest()
    parts = attachments(render(d), "text/calendar")
    assert [p.get_filename() for p in parts] == [
        "han-1-20190329.ics",
        "han-2-20190329.ics",
        "han-3-20190401.ics",
    ]
    in_order = d.by_role("lead") + d.by_role("coordinating")
    for part, item in zip(parts, in_order, strict=True):
        assert part.get_param("method") == "PUBLISH"
        assert part.get_content_charset() == "utf-8"
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        assert str(calendar["METHOD"]) == "PUBLISH"
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == item.ics_uid
        assert int(event["SEQUENCE"]) == item.ics_sequence
        assert event.decoded("DTSTART") == item.due
        assert event.decoded("DTEND") == item.due + timedelta(days=1)


def test_calendar_summaries_read_like_the_feeds() -> None:
    due_soon = render(due_soon_digest())
    overdue = render(digest("overdue", [late(1, 2)], day=date(2019, 4, 1)))
    summaries = [
        str(Calendar.from_ical(p.get_payload(decode=True)).walk("VEVENT")[0]["SUMMARY"])
        for m in (due_soon, overdue)
        for p in attachments(m, "text/calendar")
    ]
    checkin = notice(2, kind="checkin", content="Tuyên truyền thường xuyên về cải cách hành chính")
    assert summaries == [
        _mark("pending") + "[Chủ trì] " + _title(notice(1), "due"),  # type: ignore[arg-type]
        _mark("pending") + "[Chủ trì] " + _title(checkin, "checkin"),  # type: ignore[arg-type]
        _mark("pending") + "[Phối hợp] " + _title(supporting(3), "due"),  # type: ignore[arg-type]
        _mark("overdue") + "[Chủ trì] " + _title(notice(1), "due"),  # type: ignore[arg-type]
    ]


def test_calendar_parts_stop_at_twenty_and_point_to_the_feed() -> None:
    items = [notice(n, due=date(2019, 3, 29) + timedelta(days=n)) for n in range(1, 26)]
    message = render(digest("due_soon", items))
    assert len(attachments(message, "text/calendar")) == 20
    assert "chỉ kèm tệp lịch của 20 việc đầu; 5 việc còn lại" in text(message)
    assert "20 việc đầu" in html(message)


def test_escalation_says_why_and_groups_by_lead_agency_worst_first() -> None:
    message = render(escalation_digest())
    assert message["Subject"] == "Đôn đốc: 4 việc quá hạn — KH 33/KH-UBND, 45/KH-UBND"
    assert message["In-Reply-To"]
    page = html(message)
    assert "theo dõi, đôn đốc việc thực hiện kế hoạch 33/KH-UBND, 45/KH-UBND" in page
    assert "4 việc quá hạn của 3 đơn vị chủ trì." in page
    details = page[page.index('<table class="grid"') :]
    groups = re.findall(r"Đơn vị chủ trì: ([^<]+) <span", details)
    assert groups == [CENTRE, CULTURE, COMMUNE]  # 9, 5 and 4 working days at worst
    assert details.index("9 ngày") < details.index("3 ngày") < details.index(CULTURE)
    assert "Lần 2" in page and "Lần 1" in page
    assert attachments(message, "text/calendar") == []  # the leads' UIDs, not the monitor's


def test_escalation_stays_under_gmail_clipping_with_every_row_in_xlsx() -> None:
    items = [
        late(n, 3 + n % 40, level=2, agency_id=1000 + n % 100, agency_name=f"UBND xã số {n % 100}")
        for n in range(1, 601)
    ]
    message = render(digest("escalation", items, to=INTERIOR, day=date(2019, 4, 5)))
    page = html(message)
    assert len(page.encode()) < 100_000  # Gmail clips longer messages
    assert page.count('<tr class="row"') == 40
    assert "chỉ hiện 40 việc quá hạn lâu nhất trong tổng số 600 việc" in page
    assert "Mục 39." in page and "Mục 1." not in page  # 42 days overdue shown, 4 days not
    assert "… và 70 đơn vị khác (xem tệp Excel đính kèm)" in page
    assert text(message).count("Quá hạn 4 ngày làm việc") == 15  # the text part has all
    [sheet] = list(message.iter_attachments())
    assert len(pd.read_excel(BytesIO(sheet.get_payload(decode=True)))) == 600


def test_escalation_summarises_each_lead_agency() -> None:
    page = html(render(escalation_digest()))
    totals = page[page.index('<table class="totals"') : page.index('<table class="grid"')]
    rows = re.findall(
        r"<td[^>]*>([^<]+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]+)</td>", totals
    )
    assert rows == [(CENTRE, "2", "9 ngày"), (CULTURE, "1", "5 ngày"), (COMMUNE, "1", "4 ngày")]


def test_escalation_attaches_the_table_as_xlsx() -> None:
    message = render(escalation_digest())
    [part] = list(message.iter_attachments())
    assert part.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert part.get_filename() == "qua-han-20190405.xlsx"
    table = pd.read_excel(BytesIO(part.get_payload(decode=True)), sheet_name="Quá hạn")
    assert len(table) == 4
    assert list(table.columns) == [
        "Quá hạn (ngày làm việc)",
        "Kế hoạch",
        "Tên kế hoạch",
        "Mục",
        "Nội dung công việc",
        "Loại",
        "Đơn vị chủ trì",
        "Hạn",
        "Lần đôn đốc",
    ]
    assert table["Quá hạn (ngày làm việc)"].tolist() == [9, 3, 5, 4]
    assert table["Đơn vị chủ trì"].tolist() == [CENTRE, CENTRE, CULTURE, COMMUNE]
    assert table["Loại"].tolist()[0] == "Báo cáo tiến độ"
    assert table["Hạn"].iloc[0].date() == date(2019, 3, 18)


def test_english_labels_replace_every_vietnamese_one() -> None:
    message = render(due_soon_digest(), language="en")
    assert message["Subject"] == "Due soon: 3 items (28/03/2019)"
    assert message["Content-Language"] == "en"
    page = html(message)
    assert '<html lang="en">' in page
    assert "Friday, 29/03/2019" in page and "1 working day left" in page
    assert ">Report done</a>" in page
    assert "Chủ trì" not in page and "Kính gửi" not in page
    single = render(digest("due_soon", [notice(1)]), language="en")
    assert single["Subject"] == "Due soon: 1 item (28/03/2019)"
    escalation = render(escalation_digest(), language="en")
    assert escalation["Subject"] == "Follow up: 4 overdue items — plans 33/KH-UBND, 45/KH-UBND"
    assert "monitors and follows up" in html(escalation)
    [sheet] = list(escalation.iter_attachments())
    table = pd.read_excel(BytesIO(sheet.get_payload(decode=True)), sheet_name="Overdue")
    assert list(table.columns)[:2] == ["Overdue (working days)", "Plan"]


def test_both_languages_have_the_same_labels() -> None:
    labels = all_labels()
    assert set(labels) == {"vi", "en"}
    assert set(labels["vi"]) == set(labels["en"])
    assert len(labels["vi"]["weekdays"]) == len(labels["en"]["weekdays"]) == 7


def test_unknown_language_and_naive_time_are_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render_digest(
            due_soon_digest(), mail_from=MAIL_FROM, language="fr", base_url=BASE_URL, now=NOW, tz=TZ
        )
    with pytest.raises(ValueError, match="aware"):
        render_digest(
            due_soon_digest(),
            mail_from=MAIL_FROM,
            base_url=BASE_URL,
            now=NOW.replace(tzinfo=None),
            tz=TZ,
        )


def test_parts_nest_alternative_bodies_inside_mixed() -> None:
    message = render(due_soon_digest())
    assert message.get_content_type() == "multipart/mixed"
    first = message.get_payload()[0]  # type: ignore[index]
    assert first.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in first.get_payload()] == ["text/plain", "text/html"]
    assert first.get_payload()[0].get_content_charset() == "utf-8"


def test_a_long_due_soon_digest_stays_under_gmail_clipping_with_every_item_in_text() -> None:
    items = [notice(n) for n in range(1, 81)]
    message = render(digest("due_soon", items))
    page = html(message)
    assert len(page.encode()) < 100_000  # Gmail clips longer messages
    assert page.count('class="card card-lead"') == 25
    assert "… và 55 việc khác" in page
    assert all(f"Mục {n}." in text(message) for n in (1, 40, 80))
