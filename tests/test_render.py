"""Rendering a digest into an email: the HTML and text bodies (roles, links, escaped plan
text, Gmail's clipping limit), both languages, and how the parts nest. Headers and threads:
test_render_headers.py; .ics and XLSX parts: test_render_attachments.py."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pandas as pd
import pytest

from notifications.mime import MailContext
from notifications.render import all_labels, render_digest
from tests.support.digests import (
    BASE_URL,
    MAIL_FROM,
    NOW,
    TZ,
    digest,
    due_soon_digest,
    escalation_digest,
    html,
    late,
    notice,
    overdue_digest,
    render,
    supporting,
    text,
)


def test_markup_in_plan_text_shows_as_text_in_html() -> None:
    hostile = notice(1, content="Họp <script>alert('x')</script>", plan_title="KH <b>in đậm</b>")
    page = html(render(digest("due_soon", [hostile])))
    assert "<script>" not in page
    assert "<b>in đậm" not in page
    assert "&lt;script&gt;" in page


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
    assert escalation["Subject"] == "Follow up: 4 overdue tasks — plans 33/KH-UBND, 45/KH-UBND"
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
        render_digest(due_soon_digest(), MailContext(MAIL_FROM, BASE_URL, NOW, TZ, "fr"))
    with pytest.raises(ValueError, match="aware"):
        render_digest(
            due_soon_digest(), MailContext(MAIL_FROM, BASE_URL, NOW.replace(tzinfo=None), TZ)
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
