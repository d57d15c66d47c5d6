"""Digests to render, without a database: the Sông Mã plan's deadlines as the Centre, the
Culture Office and the Interior Office hear of them in March and April 2019, and each email
read back from its SMTP bytes, as a client would."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from notifications.mime import MailContext
from notifications.render import render_digest
from notifications.report_mail import render_progress
from tasks.notify import Digest, DigestKind, NoticeItem, Recipient
from tasks.reports.progress import ProgressCounts, ProgressReport

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


def commune_escalation_digest(communes: int = 60, tasks: int = 10) -> Digest:
    """A province-wide plan's escalation: every one of 60 communes late on 10 tasks, 3 to 42
    working days."""
    items = [
        late(
            n,
            3 + n % 40,
            level=2,
            agency_id=1000 + n % communes,
            agency_name=f"UBND xã số {n % communes}",
        )
        for n in range(1, communes * tasks + 1)
    ]
    return digest("escalation", items, to=INTERIOR, day=date(2019, 4, 5))


def render(d: Digest, **options: Any) -> EmailMessage:
    """The email as a client reads it: serialised for SMTP, then parsed back."""
    return email.message_from_bytes(raw(d, **options), policy=email.policy.default)  # type: ignore[return-value]


def raw(d: Digest, **options: Any) -> bytes:
    settings: dict[str, Any] = {"mail_from": MAIL_FROM, "base_url": BASE_URL, "now": NOW, "tz": TZ}
    message = render_digest(d, MailContext(**(settings | options)))
    return message.as_bytes(policy=email.policy.SMTP)


def html(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def attachments(message: EmailMessage, content_type: str) -> list[EmailMessage]:
    return [p for p in message.iter_attachments() if p.get_content_type() == content_type]


def progress_email() -> bytes:
    """The Monday progress email to the Interior Office about 30 agencies, as bytes."""
    names = ["Phòng Văn hóa và Thông tin", *(f"UBND xã số {n}" for n in range(1, 30))]
    counts = [
        ProgressCounts(1, "33/KH-UBND", "Kế hoạch tuyên truyền", i, name, 10, 6, 2, 2, 0)
        for i, name in enumerate(names, start=1)
    ]
    report = ProgressReport.from_counts(date(2019, 4, 8), counts)
    mail = MailContext(MAIL_FROM, BASE_URL, NOW, TZ)
    return render_progress(report, RECIPIENTS[INTERIOR], mail).as_bytes()
