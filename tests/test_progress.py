"""The progress report on SQLite and PostgreSQL: the Sông Mã plan compiled, some work done on
time, some late, some cancelled, counted as of 10/04/2019 and checked against the rows
themselves (read one by one here, aggregated in SQL by the report)."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from PIL import Image
from sqlalchemy.orm import Session

from dondoc.core.db import session_scope
from models import Agency, Occurrence, Plan
from models.progress_queries import ProgressCounts
from models.queries import list_occurrences
from models.status import mark_overdue, record_done
from tasks.reports import (
    ProgressReport,
    Tally,
    build_progress_report,
    chart_png,
)
from tasks.schedule import cancel
from tests.conftest import ROOT
from tests.support.cli import Cli
from tests.support.seeds import seed_song_ma
from tests.support.settings import SettingsEnv
from tests.support.smtp import SmtpSink

TODAY = date(2019, 4, 10)
NOW = datetime(2019, 4, 10, 9, 0, tzinfo=UTC)
CENTRE = "Trung tâm Truyền thông - Văn hóa huyện"  # item 2, weekly on Fridays: 14 by 10/04
COMMUNE = "UBND xã Chiềng Khương"  # items 1 and 3 (and 6): 4 deadlines by 10/04
HEADINGS = ["Đến hạn", "Đúng hạn", "Trễ hạn", "Quá hạn", "Hạn hôm nay", "Tỷ lệ đúng hạn"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OUTPUT = ROOT / "test-output" / "report"


def _complete(session: Session, occurrence: Occurrence, on: date) -> None:
    at = datetime.combine(on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
    record_done(session, occurrence, by="Cán bộ A", at=at, note=None, on=on, now=NOW)


def _deadlines(session: Session, name: str, kind: str = "due") -> list[Occurrence]:
    rows = list_occurrences(session, today=TODAY, due_to=TODAY)
    return [o for o in rows if o.agency.name == name and o.kind == kind]


@pytest.fixture
def seeded(database_url: str) -> str:
    """The compiled plan with the centre 6 on time, 3 late and 1 cancelled, the commune one
    done early, one late and one cancelled, and a check-in done (not counted)."""
    with session_scope(database_url) as session:
        seed_song_ma(session, compile=True)
        centre, commune = _deadlines(session, CENTRE), _deadlines(session, COMMUNE)
        assert len(centre) == 14 and len(commune) == 4
        for occurrence in centre[:6]:
            _complete(session, occurrence, occurrence.due)
        for occurrence in centre[6:9]:
            _complete(session, occurrence, occurrence.due + timedelta(days=2))
        _complete(session, commune[0], commune[0].due - timedelta(days=3))
        _complete(session, commune[1], TODAY)
        checkin = _deadlines(session, COMMUNE, "checkin")[0]
        _complete(session, checkin, checkin.due)
        session.flush()
        cancel(session, [(centre[9].id, "pending"), (commune[2].id, "pending")], NOW)
    return database_url


def expected(url: str, today: date) -> dict[str, Tally]:
    """The tallies read off the rows one by one, with effective_status: the report's twin."""
    counted: dict[str, Counter[str]] = {}
    with session_scope(url) as session:
        for occurrence in list_occurrences(session, today=today, due_to=today):
            status = occurrence.status_on(today)
            if occurrence.kind != "due" or status == "cancelled":
                continue
            tally = counted.setdefault(occurrence.agency.name, Counter())
            tally["due"] += 1
            tally["open_today" if status == "pending" else status] += 1
    fields = ("due", "done", "done_late", "overdue", "open_today")
    return {name: Tally(*(c[f] for f in fields)) for name, c in counted.items()}


def report(url: str, today: date = TODAY, **filters: int) -> ProgressReport:
    with session_scope(url) as session:
        return build_progress_report(session, today, **filters)


def test_counts_and_rates_per_agency_and_plan_match_the_rows(seeded: str) -> None:
    built = report(seeded)
    rows = expected(seeded, TODAY)
    (plan,) = built.plans
    assert {a.name: a.tally for a in plan.agencies} == rows
    assert {a.name: a.tally for a in built.agencies} == rows
    for agency in built.agencies:
        tally = rows[agency.name]
        assert agency.tally.on_time_rate == tally.done / (
            tally.done + tally.done_late + tally.overdue
        )
    # The same numbers worked out by hand from the fixture: the cancelled work is gone.
    by_name = {a.name: a.tally for a in built.agencies}
    assert by_name[CENTRE] == Tally(due=13, done=6, done_late=3, overdue=4, open_today=0)
    assert by_name[CENTRE].on_time_rate == pytest.approx(6 / 13)
    assert by_name[COMMUNE] == Tally(due=3, done=1, done_late=1, overdue=1, open_today=0)
    assert by_name["UBND xã Mường Hung"].on_time_rate == 0.0
    assert plan.tally == built.total == sum(rows.values(), Tally())
    assert built.total == Tally(due=97, done=7, done_late=4, overdue=86, open_today=0)
    assert plan.tally.on_time_rate == pytest.approx(7 / 97)
    assert plan.number == "33/KH-UBND"


def test_work_due_today_is_open_until_the_day_passes(seeded: str) -> None:
    friday = date(2019, 4, 5)  # the centre's weekly deadline
    with session_scope(seeded) as session:  # one past-due row already flipped by the daily run
        flipped = _deadlines(session, COMMUNE)[3]
        assert flipped.due < friday
        assert mark_overdue(session, {friday: [flipped.id]}, NOW) == 1
    on_the_day = {a.name: a.tally for a in report(seeded, friday).agencies}
    assert on_the_day == expected(seeded, friday)
    assert on_the_day[CENTRE] == Tally(due=13, done=6, done_late=3, overdue=3, open_today=1)
    assert on_the_day[CENTRE].on_time_rate == pytest.approx(6 / 12)  # today's is not judged
    assert on_the_day[COMMUNE].overdue == 1  # flipped or not, counted once
    day_after = {a.name: a.tally for a in report(seeded, friday + timedelta(days=1)).agencies}
    assert day_after[CENTRE] == Tally(due=13, done=6, done_late=3, overdue=4, open_today=0)


def test_reports_one_plan_or_the_plans_an_agency_monitors(seeded: str) -> None:
    with session_scope(seeded) as session:
        plan = session.query(Plan).one()
        plan_id, monitor_id = plan.id, plan.monitoring_agency_id
        other = session.query(Agency).filter(Agency.name == COMMUNE).one().id
    assert monitor_id is not None
    everything = report(seeded).total
    assert report(seeded, plan_id=plan_id).total == everything
    assert report(seeded, monitor_id=monitor_id).total == everything
    assert report(seeded, plan_id=plan_id, monitor_id=other).plans == ()
    assert report(seeded, plan_id=plan_id + 1).plans == ()
    with session_scope(seeded) as session:  # only approved plans are reported
        session.get(Plan, plan_id).supersede()  # type: ignore[union-attr]
    superseded = report(seeded)
    assert superseded.plans == () and superseded.agencies == ()
    assert superseded.total.on_time_rate is None
    assert superseded.to_json()["totals"]["on_time_rate"] is None


def test_agencies_and_plans_are_sorted_worst_first(seeded: str) -> None:
    built = report(seeded)
    rates = [a.tally.on_time_rate for a in built.agencies]
    assert None not in rates and rates == sorted(rates)  # type: ignore[type-var]
    # Nothing done and four deadlines missed comes before one missed deadline.
    assert built.agencies[0].tally == Tally(due=4, done=0, done_late=0, overdue=4)
    assert [a.name for a in built.plans[0].agencies] == [a.name for a in built.agencies]
    assert built.agencies[-1].tally.on_time_rate == pytest.approx(6 / 13)


def test_the_workbook_reads_back_with_vietnamese_headings(seeded: str) -> None:
    buffer = io.BytesIO()
    report(seeded).to_xlsx(buffer)
    sheets = pd.read_excel(io.BytesIO(buffer.getvalue()), sheet_name=None)
    assert list(sheets) == ["Kế hoạch", "Cơ quan"]
    plans, agencies = sheets["Kế hoạch"], sheets["Cơ quan"]
    assert list(plans.columns) == ["Kế hoạch", "Tên kế hoạch", *HEADINGS]
    assert list(agencies.columns) == ["Kế hoạch", "Cơ quan", *HEADINGS]
    assert len(agencies) == 29 and set(agencies["Kế hoạch"]) == {"33/KH-UBND"}
    centre = agencies[agencies["Cơ quan"] == CENTRE].iloc[0]
    assert [centre[h] for h in HEADINGS[:5]] == [13, 6, 3, 4, 0]
    assert centre["Tỷ lệ đúng hạn"] == pytest.approx(6 / 13)
    assert plans.iloc[0]["Đến hạn"] == 97
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "C2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet["H2"].number_format == "0.0%"
        assert sheet.column_dimensions["B"].width > 20  # names and titles are not cut off


def test_the_chart_is_a_png_an_email_can_show(seeded: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    data = chart_png(report(seeded))
    (OUTPUT / "progress-2019-04-10.png").write_bytes(data)
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    assert image.width == 720  # sharp at the 480 px an email shows it
    assert 800 < image.height < 2000  # 15 bars
    empty = chart_png(ProgressReport.from_counts(TODAY, []))
    (OUTPUT / "progress-empty.png").write_bytes(empty)
    assert empty.startswith(PNG_SIGNATURE) and Image.open(io.BytesIO(empty)).width == 720


def test_the_chart_stacks_the_outcomes_of_many_agencies() -> None:
    """Mixed outcomes, long names and counts far apart: the layout the seeded plan lacks."""
    names = [
        "Phòng Lao động - Thương binh và Xã hội huyện Sông Mã",
        "Trung tâm Truyền thông - Văn hóa huyện",
        *(f"UBND xã số {n}" for n in range(1, 18)),
    ]
    outcomes = [(2 * i, 10 if i % 3 else 0, max(0, 60 - 4 * i)) for i in range(len(names))]
    counts = [
        ProgressCounts(1, "33/KH-UBND", "Kế hoạch", i, name, sum(o), *o, 0)
        for i, (name, o) in enumerate(zip(names, outcomes, strict=True), start=1)
    ] + [ProgressCounts(1, "33/KH-UBND", "Kế hoạch", 99, "Phòng Tư pháp", 1, 1, 0, 0, 0)]
    built = ProgressReport.from_counts(TODAY, counts)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    data = chart_png(built)
    (OUTPUT / "progress-mixed.png").write_bytes(data)
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    assert image.width == 720 and 800 < image.height < 2400
    assert len(built.agencies) > 15 and built.agencies[-1].name == "Phòng Tư pháp"


def test_the_markdown_has_a_short_table_per_plan(seeded: str) -> None:
    text = report(seeded).to_markdown()
    assert "## Tiến độ thực hiện đến ngày 10/04/2019" in text
    assert "### 33/KH-UBND — Tuyên truyền về cải cách hành chính" in text
    assert "| Cơ quan | Đến hạn | Đúng hạn | Trễ hạn | Quá hạn | Tỷ lệ đúng hạn |" in text
    assert "| UBND xã Mường Hung | 4 | 0 | 0 | 4 | 0,0% |" in text
    assert CENTRE not in text  # the best-performing: past the ten worst
    assert "_… và 19 cơ quan khác._" in text
    assert "tỷ lệ đúng hạn 7,2%" in text


@pytest.fixture
def cli(seeded: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(seeded, monkeypatch)


def test_cli_json_gives_totals_plans_and_agencies(cli: Cli) -> None:
    shown = cli.json("report", "progress", "--date", "2019-04-10")
    assert set(shown) == {"as_of", "kind", "totals", "plans", "agencies"}
    assert shown["as_of"] == "2019-04-10" and shown["kind"] == "due"
    assert shown["totals"] == {
        "due": 97,
        "done": 7,
        "done_late": 4,
        "overdue": 86,
        "open_today": 0,
        "on_time_rate": pytest.approx(7 / 97),
    }
    (plan,) = shown["plans"]
    assert plan["plan_number"] == "33/KH-UBND" and len(plan["agencies"]) == 29
    centre = next(a for a in shown["agencies"] if a["agency"] == CENTRE)
    assert {k: centre[k] for k in ("due", "done", "done_late", "overdue")} == {
        "due": 13,
        "done": 6,
        "done_late": 3,
        "overdue": 4,
    }
    assert shown == json.loads(json.dumps(shown))


def test_cli_writes_the_workbook_and_the_chart(cli: Cli, tmp_path: Path) -> None:
    xlsx, png = tmp_path / "tien-do.xlsx", tmp_path / "tien-do.png"
    result = cli(
        "report", "progress", "--date", "2019-04-10", "--xlsx", str(xlsx), "--png", str(png)
    )
    assert "33/KH-UBND" in result.stdout and "7,2%" in result.stdout
    assert list(pd.read_excel(xlsx, sheet_name=None)) == ["Kế hoạch", "Cơ quan"]
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    quiet = cli("report", "progress", "--date", "2019-04-10", "--xlsx", str(xlsx), "--json")
    assert json.loads(quiet.stdout)["totals"]["due"] == 97  # "wrote" went to stderr


def test_cli_sends_each_monitoring_agency_its_report_once(
    cli: Cli, smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    SettingsEnv(monkeypatch).set(smtp_host="127.0.0.1", smtp_port=smtp_server.port)
    result = cli("report", "progress", "--date", "2019-04-10", "--send")
    assert "Queued 1 progress emails." in result.stdout
    assert "Sent 1, failed 0, still queued 0." in result.stdout
    [mail] = [received.parsed() for received in smtp_server.received]
    assert "10/04/2019" in str(mail["Subject"])
    again = cli("report", "progress", "--date", "2019-04-10", "--send")  # the flow's key
    assert "Queued 0 progress emails." in again.stdout and len(smtp_server.received) == 1


def test_cli_refuses_a_bad_date_and_an_unknown_plan(cli: Cli) -> None:
    assert "YYYY-MM-DD" in cli("report", "progress", "--date", "10/04/2019", expect=2).stderr
    assert "no plan with id 999" in cli("report", "progress", "--plan", "999", expect=1).stderr
    assert "no agency" in cli("report", "progress", "--monitor", "999", expect=1).stderr


def test_the_workbook_keeps_formula_text_in_titles_and_names_as_text(seeded: str) -> None:
    title, name = '=HYPERLINK("http://evil.example/","Xem")', "@Trung tâm"
    with session_scope(seeded) as session:
        session.query(Plan).one().title = title
        session.query(Agency).filter(Agency.name == CENTRE).one().name = name
    buffer = io.BytesIO()
    report(seeded).to_xlsx(buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))  # formulas as written
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    sheets = pd.read_excel(io.BytesIO(buffer.getvalue()), sheet_name=None)
    assert sheets["Kế hoạch"]["Tên kế hoạch"].tolist() == [title]
    assert name in set(sheets["Cơ quan"]["Cơ quan"])
