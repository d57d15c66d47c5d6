"""The parts a digest carries: .ics files that update the feeds' own events, and the
escalation's table, summarised in the HTML and complete in an XLSX attachment."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pandas as pd
from icalendar import Calendar

from calendars.titles import event_summary
from tests.support.digests import (
    CENTRE,
    COMMUNE,
    CULTURE,
    INTERIOR,
    attachments,
    commune_escalation_digest,
    digest,
    due_soon_digest,
    escalation_digest,
    html,
    late,
    notice,
    render,
    supporting,
    text,
)


def test_calendar_parts_are_the_readers_own_copy_with_the_feeds_sequence() -> None:
    d = due_soon_digest()
    parts = attachments(render(d), "text/calendar")
    assert [p.get_filename() for p in parts] == [
        "han-1-20190329.ics",
        "han-2-20190329.ics",
        "han-3-20190401.ics",
    ]
    in_order = d.by_role("lead") + d.by_role("coordinating")
    for part, item in zip(parts, in_order, strict=True):
        assert part.get_param("method") is None and part.get_content_charset() == "utf-8"
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        assert "METHOD" not in calendar
        [event] = calendar.walk("VEVENT")
        local, host = item.ics_uid.split("@")
        assert str(event["UID"]) == f"{local}-thu@{host}"  # not the subscription's event
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
        event_summary(notice(1).content, state="pending", role="lead", kind="due"),
        event_summary(checkin.content, state="pending", role="lead", kind="checkin"),
        event_summary(supporting(3).content, state="pending", role="support", kind="due"),
        event_summary(notice(1).content, state="overdue", role="lead", kind="due"),
    ]
    assert summaries[3].startswith("QUÁ HẠN [Chủ trì] ")


def test_an_english_email_has_english_calendar_parts() -> None:
    """The calendar's name, the event's title and its description all in the email's language
    (the part is the reader's own copy, not the feed's event)."""
    message = render(digest("overdue", [late(1, 2), notice(2, kind="checkin")]), language="en")
    calendars = [
        Calendar.from_ical(p.get_payload(decode=True))
        for p in attachments(message, "text/calendar")
    ]
    events = [calendar.walk("VEVENT")[0] for calendar in calendars]
    assert str(calendars[0]["X-WR-CALNAME"]).startswith("Work calendar — ")
    assert str(events[0]["SUMMARY"]).startswith("OVERDUE [Lead] Tổ chức tuyên truyền")
    assert str(events[1]["SUMMARY"]).startswith("[Lead] Progress report: ")
    description = str(events[0]["DESCRIPTION"])
    assert "\nPlan: 33/KH-UBND — " in description and "\nLead: " in description
    assert "\nPeriod: " in description and "Kế hoạch:" not in description


def test_calendar_parts_stop_at_twenty_and_point_to_the_feed() -> None:
    items = [notice(n, due=date(2019, 3, 29) + timedelta(days=n)) for n in range(1, 26)]
    message = render(digest("due_soon", items))
    assert len(attachments(message, "text/calendar")) == 20
    assert "chỉ kèm tệp lịch của 20 việc đầu; 5 việc còn lại" in text(message)
    assert "20 việc đầu" in html(message)


def test_escalation_says_why_and_groups_by_lead_agency_worst_first() -> None:
    message = render(escalation_digest())
    assert message["Subject"] == "Đôn đốc: 4 nhiệm vụ quá hạn — KH 33/KH-UBND, 45/KH-UBND"
    assert message["In-Reply-To"]
    page = html(message)
    assert "theo dõi, đôn đốc việc thực hiện kế hoạch 33/KH-UBND, 45/KH-UBND" in page
    assert "4 việc quá hạn: 4 nhiệm vụ, 3 đơn vị chủ trì." in page
    # new at the first step or followed up before, and the progress-report date counted in:
    # the progress report, which leaves those out, no longer seems to disagree
    assert "3 việc mới đến bậc đôn đốc 1, 1 việc đã được đôn đốc trước đây." in page
    assert "Tính cả 1 kỳ báo cáo tiến độ" in page and "Tính cả 1 kỳ" in text(message)
    details = page[page.index('<table class="grid"') :]
    groups = re.findall(r"Đơn vị chủ trì: ([^<]+) <span", details)
    assert groups == [CENTRE, CULTURE, COMMUNE]  # 9, 5 and 4 working days at worst
    assert details.index("9 ngày") < details.index("3 ngày") < details.index(CULTURE)
    # the ladder's step the lateness has reached, not a count of emails ("Lần 12" on a first
    # escalation read as the twelfth)
    assert "Bậc 2" in page and "Bậc 1" in page and "Lần " not in page
    assert attachments(message, "text/calendar") == []  # the leads' UIDs, not the monitor's


def test_a_60_commune_escalation_fits_a_phone_and_gmail_with_every_row_in_xlsx() -> None:
    message = render(commune_escalation_digest(communes=60, tasks=10))
    page = html(message)
    assert len(page.encode()) < 90_000  # Gmail clips messages over ~100 kB
    assert page.count('<tr class="row"') == 15
    assert "chỉ hiện 15 việc quá hạn lâu nhất trong tổng số 600 việc" in page
    assert "Mục 39." in page and "Mục 1." not in page  # 42 days overdue shown, 4 days not
    assert "… và 45 đơn vị khác (xem tệp Excel đính kèm)" in page
    # the text part says what the HTML says (spam filters score parts that differ), and the
    # attached workbook has every deadline
    plain = text(message)
    assert plain.count("Quá hạn 42 ngày làm việc") == 15 and "Quá hạn 4 ngày" not in plain
    assert "chỉ hiện 15 việc quá hạn lâu nhất trong tổng số 600 việc" in plain
    assert "… và 45 đơn vị khác (xem tệp Excel đính kèm)" in plain
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
        "Bậc đôn đốc (theo số ngày quá hạn)",
    ]
    assert table["Quá hạn (ngày làm việc)"].tolist() == [9, 3, 5, 4]
    assert table["Đơn vị chủ trì"].tolist() == [CENTRE, CENTRE, CULTURE, COMMUNE]
    assert table["Loại"].tolist()[0] == "Báo cáo tiến độ"
    assert table["Hạn"].iloc[0].date() == date(2019, 3, 18)


def test_escalation_xlsx_keeps_formula_text_as_text() -> None:
    """An item or plan text like '=HYPERLINK(…)' reaches the monitoring agency as those
    characters, not as a live link in its workbook."""
    link = '=HYPERLINK("http://evil.example/","Xem")'
    items = [
        late(1, 3, level=2, content=link, plan_title="+Kế hoạch"),
        late(2, 4, level=2, agency_name="@Tổ công tác", plan_number="-1/KH"),
    ]
    message = render(digest("escalation", items, to=INTERIOR, day=date(2019, 4, 5)))
    [part] = list(message.iter_attachments())
    data = part.get_payload(decode=True)
    book = openpyxl.load_workbook(BytesIO(data))  # formulas as written, not cached values
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    table = pd.read_excel(BytesIO(data), sheet_name="Quá hạn", dtype=object)
    assert link in set(table["Nội dung công việc"])
    assert "+Kế hoạch" in set(table["Tên kế hoạch"]) and "-1/KH" in set(table["Kế hoạch"])
    assert "@Tổ công tác" in set(table["Đơn vị chủ trì"])


def test_an_escalations_subject_counts_tasks_and_its_summary_deadlines_and_tasks() -> None:
    # one task owed by three agencies: "1 task" in the subject, "3 deadlines" in the body
    items = [late(1, 3, level=2, lead=lead) for lead in (CENTRE, CULTURE, COMMUNE)]
    items = [replace(item, occurrence_id=200 + n) for n, item in enumerate(items)]
    message = render(digest("escalation", items, to=INTERIOR, day=date(2019, 4, 5)))
    assert message["Subject"].startswith("Đôn đốc việc quá hạn: ")  # one task
    assert "3 việc quá hạn: 1 nhiệm vụ, 3 đơn vị chủ trì." in html(message)
