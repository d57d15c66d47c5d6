"""`dondoc occurrences import`: a clerk's completion sheet (CSV or XLSX) recorded through the
model, all rows or none, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from dondoc.cli import output
from dondoc.cli.output import console
from dondoc.core.db import session_scope
from models import Occurrence, OccurrenceEvent, PlanItem
from models.agency import Agency
from tasks.completion import import_completions
from tests.conftest import EXAMPLES, FIXTURES
from tests.support.cli import Cli
from tests.support.seeds import seed_song_ma

EXAMPLE = EXAMPLES / "completions" / "song-ma-2019-q1.csv"
SHEETS = FIXTURES / "completions"
AMENDED = FIXTURES / "plans" / "song-ma-2019-kh33-amended.txt"

Done = dict[tuple[str, str, str], tuple[str, str | None, str | None]]


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


@pytest.fixture
def compiled(database_url: str) -> int:
    with session_scope(database_url) as session:
        return seed_song_ma(session, compile=True)


def done_work(database_url: str) -> Done:
    """(item seq, agency, due) -> (status, completed_by, note) of the work recorded done."""
    with session_scope(database_url) as session:
        rows = session.execute(
            select(PlanItem.seq, Agency.name, Occurrence)
            .join(PlanItem, Occurrence.item_id == PlanItem.id)
            .join(Agency, Occurrence.agency_id == Agency.id)
            .where(Occurrence.status.in_(("done", "done_late")))
        )
        return {
            (seq, agency, o.due.isoformat()): (o.status, o.completed_by, o.note)
            for seq, agency, o in rows
        }


def done_events(database_url: str) -> int:
    with session_scope(database_url) as session:
        query = select(func.count()).where(OccurrenceEvent.to_status.in_(("done", "done_late")))
        return session.scalar(query) or 0


def occurrence_id(database_url: str, seq: str, agency: str, due: date) -> int:
    with session_scope(database_url) as session:
        found = session.scalar(
            select(Occurrence.id)
            .join(PlanItem, Occurrence.item_id == PlanItem.id)
            .join(Agency, Occurrence.agency_id == Agency.id)
            .where(PlanItem.seq == seq, Agency.name == agency, Occurrence.due == due)
        )
        assert found is not None
        return found


def one_line(text: str) -> str:
    """Rich wraps stderr at the console width; the words are what the clerk reads."""
    return " ".join(text.split())


def test_example_sheet_records_done_and_late_work_once(
    cli: Cli, compiled: int, database_url: str
) -> None:
    first = cli.json("occurrences", "import", str(EXAMPLE))
    assert (first["completed"], first["late"], first["unchanged"]) == (6, 2, 0)
    assert first["skipped_blank"] == 1 and first["dry_run"] is False
    done = done_work(database_url)
    khuong = "UBND xã Chiềng Khương"
    assert done[("3", khuong, "2019-01-31")] == ("done", "Lò Văn Hải", "Phát thanh tại 12 bản")
    assert done[("3", khuong, "2019-02-28")][0] == "done_late"  # done 04/03
    assert done[("6", "UBND xã Mường Lầm", "2019-03-05")][0] == "done_late"
    # Hạn 08/02/2019 is the nominal date; the work fell due on Monday 11/02 (Tết).
    assert done[("2", "Trung tâm Truyền thông - Văn hóa huyện", "2019-02-11")][0] == "done"
    assert done[("1", "Phòng Nội vụ", "2019-03-29")][0] == "done"
    assert len(done) == 6 and done_events(database_url) == 6

    again = cli.json("occurrences", "import", str(EXAMPLE))
    assert (again["completed"], again["unchanged"], again["skipped_blank"]) == (0, 6, 1)
    assert {row["outcome"] for row in again["rows"]} == {"unchanged"}
    assert done_events(database_url) == 6
    out = one_line(cli("occurrences", "import", str(EXAMPLE)).stdout)
    assert "completed 0 (of which late 0), unchanged 6, skipped blank 1" in out


def test_work_done_on_another_day_than_recorded_is_refused(
    cli: Cli, compiled: int, database_url: str
) -> None:
    cli("occurrences", "import", str(EXAMPLE))
    sheet = SHEETS / "redone-other-day.csv"
    refused = one_line(cli("occurrences", "import", str(sheet), expect=1).stderr)
    assert f"{sheet}:3: completed_on: occurrence" in refused
    assert "already recorded done_late on 07/03/2019" in refused
    assert f"{sheet}:2:" not in refused  # the same day as recorded: unchanged, not an error


def test_nfd_semicolon_sheet_with_a_title_row_reads_like_typed_text(
    cli: Cli, compiled: int, database_url: str
) -> None:
    sheet = SHEETS / "nfd-semicolon.csv"
    assert unicodedata.is_normalized("NFD", sheet.read_text(encoding="utf-8"))
    result = cli.json("occurrences", "import", str(sheet), "--by", "Văn thư Sông Mã")
    assert [row["line"] for row in result["rows"]] == [4, 5]  # the title row and a blank
    assert (result["completed"], result["late"], result["skipped_blank"]) == (2, 1, 1)
    done = done_work(database_url)
    khuong = done[("3", "UBND xã Chiềng Khương", "2019-01-31")]
    assert khuong == ("done", "Văn thư Sông Mã", "Phát thanh tại 12 bản")
    assert unicodedata.is_normalized("NFC", khuong[2] or "")
    assert done[("3", "UBND xã Nậm Mằn", "2019-01-31")][:2] == ("done_late", "Lò Thị Hoa")


def test_xlsx_by_id_reads_excel_dates_and_serial_numbers(
    cli: Cli, compiled: int, database_url: str, tmp_path: Path
) -> None:
    on_time = occurrence_id(database_url, "3", "UBND xã Bó Sinh", date(2019, 1, 31))
    late = occurrence_id(database_url, "3", "UBND xã Bó Sinh", date(2019, 2, 28))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kết quả thực hiện quý I/2019"])
    sheet.append([unicodedata.normalize("NFD", h) for h in ("Mã", "Trạng thái", "Ngày hoàn thành")])
    sheet.append([on_time, "Hoàn thành", datetime(2019, 1, 31)])
    sheet.append([late, "XONG", 43528])  # a date cell formatted as a number: 04/03/2019
    sheet.append([None, None, None, "ghi chú lề"])  # no status: skipped
    path = tmp_path / "bo-sinh.xlsx"
    book.save(path)

    result = cli.json("occurrences", "import", str(path), "--by", "Lò Văn Nam")
    assert [(row["line"], row["status"]) for row in result["rows"]] == [
        (3, "done"),
        (4, "done_late"),
    ]
    assert result["rows"][1]["completed_on"] == "2019-03-04"
    assert result["skipped_blank"] == 1
    done = done_work(database_url)
    assert done[("3", "UBND xã Bó Sinh", "2019-02-28")] == ("done_late", "Lò Văn Nam", None)


def test_xlsx_problem_names_the_sheet_and_the_row_as_shown(
    cli: Cli, compiled: int, database_url: str, tmp_path: Path
) -> None:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Hướng dẫn"
    cover.append(["Điền Trạng thái là Hoàn thành cho việc đã xong."])
    data = book.create_sheet("Quý I")
    data.append(["Số kế hoạch", "Nhiệm vụ", "Cơ quan", "Hạn", "Trạng thái", "Ngày hoàn thành"])
    data.append(["33/KH-UBND", 6, "Phòng Nội vụ", datetime(2019, 3, 5), "xong", "05/03/2019"])
    data.append(["33/KH-UBND", 6, "Phòng Tư pháp", "05/03/2019", "xong", "5 tháng 3"])
    path = tmp_path / "quy-1.xlsx"
    book.save(path)

    refused = one_line(cli("occurrences", "import", str(path), expect=1).stderr)
    assert f"{path} [Quý I]:3: Ngày hoàn thành: '5 tháng 3' is not a date" in refused
    assert done_work(database_url) == {}


def test_a_bad_date_names_file_line_and_column_and_writes_nothing(
    cli: Cli, compiled: int, database_url: str
) -> None:
    sheet = SHEETS / "bad-date.csv"
    refused = one_line(cli("occurrences", "import", str(sheet), expect=1).stderr)
    assert f"{sheet}:3: Ngày hoàn thành: '31/02/2019' is not a date" in refused
    # Every problem at once: the clerk fixes the sheet in one pass.
    assert f"{sheet}:4: Cơ quan: no agency named 'UBND xã Chiềng Khoo'" in refused
    assert "did you mean UBND xã Chiềng Khoong" in refused
    assert f"{sheet}:2:" not in refused
    assert done_work(database_url) == {} and done_events(database_url) == 0


def test_cancelled_work_is_an_error_for_its_row(cli: Cli, compiled: int, database_url: str) -> None:
    with session_scope(database_url) as session:  # the amendment drops item 5: cancelled
        seed_song_ma(session, AMENDED, compile=True)
    sheet = SHEETS / "cancelled.csv"
    refused = one_line(cli("occurrences", "import", str(sheet), expect=1).stderr)
    assert f"{sheet}:3: Trạng thái: occurrence" in refused and "is cancelled" in refused
    assert f"{sheet}:2:" not in refused  # item 6 moved to the amendment and is found there
    assert done_work(database_url) == {}


def test_dry_run_shows_the_outcome_and_writes_nothing(
    cli: Cli, compiled: int, database_url: str
) -> None:
    preview = cli.json("occurrences", "import", str(EXAMPLE), "--dry-run")
    assert preview["dry_run"] is True
    assert (preview["completed"], preview["late"], preview["skipped_blank"]) == (6, 2, 1)
    assert done_work(database_url) == {} and done_events(database_url) == 0
    out = one_line(cli("occurrences", "import", str(EXAMPLE), "--dry-run").stdout)
    assert "completed 6 (of which late 2), unchanged 0, skipped blank 1; dry run" in out
    real = cli.json("occurrences", "import", str(EXAMPLE))
    assert real["rows"] == preview["rows"]
    assert len(done_work(database_url)) == 6


def test_a_sheet_without_a_status_column_is_refused_at_its_header(
    cli: Cli, compiled: int, tmp_path: Path
) -> None:
    path = tmp_path / "no-status.csv"
    path.write_text("Mã,Ngày hoàn thành\n12,05/03/2019\n", encoding="utf-8")
    refused = one_line(cli("occurrences", "import", str(path), expect=1).stderr)
    assert f"{path}:1: Trạng thái: no status column" in refused
    wrong = tmp_path / "plan.txt"
    wrong.write_text("Mã,Trạng thái\n", encoding="utf-8")
    assert "expected a .csv or .xlsx" in cli("occurrences", "import", str(wrong), expect=1).stderr


BAD_IDS = ["²", "١", "99999999999999999999999", "9" * 5000, "-3", "4.5"]


def test_ids_not_in_ascii_digits_within_range_name_their_line_and_write_nothing(
    cli: Cli, compiled: int, database_url: str, tmp_path: Path
) -> None:
    good = occurrence_id(database_url, "3", "UBND xã Bó Sinh", date(2019, 1, 31))
    path = tmp_path / "ids.csv"
    rows = [f"{good},xong", *(f"{bad},xong" for bad in BAD_IDS)]
    path.write_text("Mã,Trạng thái\n" + "\n".join(rows) + "\n", encoding="utf-8")
    refused = cli("occurrences", "import", str(path), expect=1).stderr
    assert refused.startswith("error: ") and "Traceback" not in refused
    told = one_line(refused)
    assert f"{path}:3: Mã: '²' is not an id: write it in the digits 0-9" in told
    assert f"{path}:4: Mã: '١' is not an id" in told  # int() would have read it as 1
    assert f"{path}:5: Mã: '99999999999999999999999' is not an id: ids go up to" in told
    assert f"{path}:6: Mã: '999999999999999999999999'… (5000 characters) is not an id" in told
    assert f"{path}:7: Mã: '-3' is not an id" in told and f"{path}:8: Mã: '4.5'" in told
    assert f"{path}:2:" not in told
    assert done_work(database_url) == {}


@pytest.mark.parametrize("bad", BAD_IDS[:4], ids=["superscript", "arabic", "big", "5000"])
def test_commands_taking_an_id_refuse_one_outside_ascii_digits_within_range(
    cli: Cli, compiled: int, database_url: str, bad: str
) -> None:
    shown = repr(bad[:24])
    cli("occurrences", "done", bad, expect=2, says=f"Invalid value for 'ID': {shown}")
    cli("occurrences", "list", "--plan", bad, expect=2, says="Invalid value for '--plan'")
    cli("report", "progress", "--plan", bad, expect=2, says="Invalid value for '--plan'")
    cli("report", "progress", "--monitor", bad, expect=2, says="Invalid value for '--monitor'")
    cli("feeds", "token", "new", "--plan", bad, expect=2, says="Invalid value for '--plan'")
    if bad.isascii():  # a plan's number or an agency's name may hold other characters
        cli("plan", "show", bad, expect=2, says=f"{shown}")
        cli("feeds", "token", "new", bad, expect=2, says=f"{shown}")
    assert done_events(database_url) == 0


def test_clerks_importing_one_sheet_at_once_record_each_row_once_and_learn_who_did(
    cli: Cli, compiled: int, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [
        occurrence_id(database_url, "3", commune, date(2019, 1, 31))
        for commune in ("UBND xã Bó Sinh", "UBND xã Chiềng Khương", "UBND xã Nậm Mằn")
    ]
    sheet = tmp_path / "done.csv"
    sheet.write_text("Mã,Trạng thái\n" + "".join(f"{i},xong\n" for i in ids), encoding="utf-8")
    clerks = [f"Văn thư {n}" for n in range(6)]
    start = threading.Barrier(len(clerks))
    now = datetime(2019, 3, 4, 2, 0, tzinfo=UTC)

    def run(clerk: str) -> dict[int, tuple[str, str | None]]:
        start.wait()  # each import opens its own transaction
        with session_scope(database_url) as session:
            report = import_completions(session, sheet, default_by=clerk, now=now).to_json()
        return {
            row["occurrence_id"]: (row["outcome"], row["completed_by"]) for row in report["rows"]
        }

    with ThreadPoolExecutor(len(clerks)) as pool:
        outcomes = dict(zip(clerks, pool.map(run, clerks), strict=True))
    winner_of = {}
    for occurrence in ids:
        winners = [c for c in clerks if outcomes[c][occurrence][0] == "completed"]
        assert len(winners) == 1, (occurrence, outcomes)
        told = {outcomes[c][occurrence] for c in clerks if c not in winners}
        assert told == {("unchanged", winners[0])}  # every other clerk hears who did it
        winner_of[occurrence] = winners[0]
    assert done_events(database_url) == len(ids)

    monkeypatch.setattr(console, "width", 200)  # one table row a line
    later = cli("occurrences", "import", str(sheet), "--by", "Người khác").stdout
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in later.splitlines()]
    shown = {int(row[1]): row[5:] for row in rows if row and row[0].isdigit()}
    assert shown == {i: ["unchanged", "done_late", "2019-03-04", winner_of[i]] for i in ids}
    assert "completed 0 (of which late 0), unchanged 3" in one_line(later)


def test_a_long_sheet_is_recorded_whole_with_each_rows_history_and_shown_in_part(
    cli: Cli, compiled: int, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "SHOWN_ROWS", 100)  # every table stops there (200 by default)
    with session_scope(database_url) as session:
        ids = session.scalars(select(Occurrence.id).order_by(Occurrence.id).limit(150)).all()
    assert len(ids) == 150
    sheet = tmp_path / "done.csv"
    rows = "".join(f"{i},xong,04/03/2019,Văn thư,ghi chú {i}\n" for i in ids)
    sheet.write_text("Mã,Trạng thái,Ngày hoàn thành,Người báo cáo,Ghi chú\n" + rows, "utf-8")
    out = one_line(cli("occurrences", "import", str(sheet)).stdout)
    assert "… and 50 more rows not shown (--json lists every row)" in out
    assert "completed 150 (of which late" in out
    assert done_events(database_url) == 150
    with session_scope(database_url) as session:
        recorded = session.execute(
            select(
                Occurrence.id, Occurrence.completed_by, Occurrence.note, Occurrence.sequence
            ).where(Occurrence.id.in_(ids))
        ).all()
    assert {(i, by, note, seq) for i, by, note, seq in recorded} == {
        (i, "Văn thư", f"ghi chú {i}", 1) for i in ids
    }
