"""What every `dondoc` command shares: data printed as written (never read as Rich markup),
one date option with one message, domain errors ending a command as `error: <message>`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dondoc.cli.errors import exit_code_for, exit_codes
from dondoc.cli.output import console, err_console
from dondoc.core.text import InputEncodingError
from tasks.completion import CompletionImportError
from tasks.directory import DirectoryError
from tasks.notify import NotifyPolicyError
from tasks.plans import PlanParseError
from tasks.schedule import WorkdayOverrideError
from tests.support.cli import Cli, Ran

ITEM = "Báo cáo [/bold] tình hình [bold]tuần[/]"
PLAN_TITLE = "Kế hoạch thử [/x] markup"
AGENCY = "Phòng [/x] Nội vụ"
SCOPE = "UBND huyện [red]Thử"
DIRECTORY = f"""scope: {SCOPE}
agencies:
  - name: "{SCOPE}"
  - name: "{AGENCY}"
    monitoring: true
"""
PLAN = f"""number: 7/KH-UBND
title: {PLAN_TITLE}
issuer: "{SCOPE}"
year: 2019
items:
  - seq: '1'
    content: {ITEM}
    lead:
      - "{AGENCY}"
    timeframe: Hằng quý
"""


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    # A wide terminal: an item text is checked whole, not folded inside a table cell.
    monkeypatch.setattr(console, "width", 240)
    monkeypatch.setattr(err_console, "width", 240)
    return Cli(database_url, monkeypatch)


@pytest.fixture
def markup_folder(tmp_path: Path) -> Path:
    """A folder whose path holds "[/x]" (a folder "…[" holding "x]…")."""
    folder = tmp_path / "kế hoạch [" / "x] 2019"
    folder.mkdir(parents=True)
    (folder / "directory [bold].yaml").write_text(DIRECTORY, encoding="utf-8")
    (folder / "plan [bold].yaml").write_text(PLAN, encoding="utf-8")
    assert "[/x]" in str(folder)
    return folder


def test_brackets_in_plans_agencies_and_paths_print_as_written(
    cli: Cli, markup_folder: Path
) -> None:
    directory, plan = markup_folder / "directory [bold].yaml", markup_folder / "plan [bold].yaml"
    cli("agencies", "import", str(directory), says=str(directory))
    assert ITEM in cli("plan", "parse", str(plan)).stdout
    plan_id = cli("plan", "import", str(plan)).stdout.strip()
    cli("plan", "approve", plan_id, "--by", "Nguyễn [/b] Văn A", says="by Nguyễn [/b] Văn A")
    shown = cli("plan", "show", plan_id).stdout
    assert ITEM in shown and PLAN_TITLE in shown and f"Theo dõi, đôn đốc: {AGENCY}" in shown
    assert f"{ITEM}" in cli("plan", "compile", plan_id).stdout
    assert AGENCY in cli("agencies", "list").stdout
    listed = cli("occurrences", "list").stdout
    assert ITEM in listed and AGENCY in listed
    cli("feeds", "token", "new", AGENCY, says=AGENCY)
    cli("feeds", "token", "new", "--plan", plan_id, says=PLAN_TITLE)
    tokens = cli("feeds", "token", "list").stdout
    assert AGENCY in tokens and PLAN_TITLE in tokens
    escalated = cli("escalate", "--date", "2019-04-10", "--no-send")
    assert f"{AGENCY} has no email address" in escalated.stderr
    assert AGENCY in cli("report", "progress", "--date", "2019-04-10").stdout


def test_a_file_name_with_brackets_is_named_as_written_in_warnings_and_errors(
    cli: Cli, tmp_path: Path
) -> None:
    unknown = tmp_path / "lạ [bold].yaml"
    unknown.write_text(PLAN.replace(AGENCY, "Tổ [/bold] công tác"), encoding="utf-8")
    imported = cli("plan", "import", str(unknown), "--auto-agencies")
    assert "created unverified agency 'Tổ [/bold] công tác'" in imported.stderr
    broken = tmp_path / "hỏng [bold].yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    failed = cli("plan", "import", str(broken), expect=1)
    assert failed.stderr.startswith("error: ") and "hỏng [bold].yaml" in failed.stderr


DATE_OPTIONS = [
    ("occurrences", "list", "--from"),
    ("occurrences", "list", "--to"),
    ("occurrences", "done", "1", "--at"),
    ("outbox", "list", "--day"),
    ("report", "progress", "--date"),
    ("feeds", "build", "--out", "unused", "--date"),
    ("remind", "--date"),
    ("escalate", "--date"),
    ("demo", "--no-wait", "--date"),
]


@pytest.mark.parametrize("command", DATE_OPTIONS, ids=lambda c: " ".join(c))
def test_every_date_option_refuses_a_bad_date_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    never = tmp_path / "never.sqlite3"
    cli = Cli(f"sqlite:///{never}", monkeypatch)
    option = command[-1]
    message = f"Invalid value for '{option}': '29/3/2019' is not a date; write it as YYYY-MM-DD"
    cli(*command, "29/3/2019", expect=2, says=message)
    assert not never.exists()  # refused before anything was opened


def test_every_domain_error_ends_a_command_with_exit_1() -> None:
    assert set(exit_codes().values()) == {1}
    for error_type in exit_codes():
        error = error_type.__new__(error_type)  # constructors differ; the type is what counts
        assert exit_code_for(error) == 1


def test_every_input_file_error_is_mapped_through_its_base_and_other_errors_are_not() -> None:
    for file_error in (
        PlanParseError,
        DirectoryError,
        WorkdayOverrideError,
        NotifyPolicyError,
        CompletionImportError,
        InputEncodingError,
    ):
        assert exit_code_for(file_error.__new__(file_error)) == 1, file_error
    assert exit_code_for(ValueError("a bug, not bad input")) is None
    assert exit_code_for(KeyError("x")) is None


def test_a_domain_error_prints_one_error_line_and_no_traceback(cli: Cli) -> None:
    plan_id = cli.song_ma_plan()
    refused = cli("plan", "approve", plan_id, "--by", "B", expect=1)
    assert refused.stderr.startswith("error: ") and "Traceback" not in refused.stderr
    assert "only a draft can be approved" in refused.stderr


def test_a_run_is_no_truth_value() -> None:
    """`assert cli(...)` would pass whatever happened: the helper refuses to be asserted."""
    ran = Ran(stdout="", stderr="", exit_code=0)
    with pytest.raises(TypeError, match="checks the exit code"):
        bool(ran)


def test_a_locked_sqlite_database_ends_a_command_with_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.seeds import SONG_MA_DIRECTORY, SONG_MA_PLAN

    path = tmp_path / "locked.sqlite3"
    cli = Cli(f"sqlite:///{path}?timeout=0.5", monkeypatch)  # a writer waits 0.5 s, not 30
    cli("agencies", "import", str(SONG_MA_DIRECTORY))
    holder = sqlite3.connect(path)  # another process's write transaction, held open
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = cli("plan", "import", str(SONG_MA_PLAN), expect=1)
    finally:
        holder.rollback()
        holder.close()
    assert result.stderr.startswith("error: the database is busy (database is locked)")
    assert "INSERT" not in result.stderr and len(result.stderr.splitlines()) == 1
    cli("plan", "import", str(SONG_MA_PLAN))  # and works once the lock is gone


def test_a_done_sheet_with_brackets_in_its_path_and_names_prints_as_written(
    cli: Cli, markup_folder: Path
) -> None:
    cli("agencies", "import", str(markup_folder / "directory [bold].yaml"))
    plan_id = cli("plan", "import", str(markup_folder / "plan [bold].yaml")).stdout.strip()
    cli("plan", "approve", plan_id, "--by", "Nguyễn Văn A")
    cli("plan", "compile", plan_id)
    first = cli.json("occurrences", "list")[0]
    sheet = markup_folder / "xong [bold].csv"
    sheet.write_text(
        f"Mã,Trạng thái,Ngày hoàn thành,Người báo cáo\n{first['id']},xong,05/04/2019,Lò [/b] A\n",
        encoding="utf-8",
    )
    imported = cli("occurrences", "import", str(sheet)).stdout
    assert str(sheet) in imported and AGENCY in imported and "Lò [/b] A" in imported
    again = sheet.with_name("khác [red].csv")
    again.write_text(sheet.read_text(encoding="utf-8").replace("05/04", "06/04"), "utf-8")
    refused = cli("occurrences", "import", str(again), expect=1).stderr
    assert refused.startswith("error: ") and f"{again}:2: Ngày hoàn thành:" in refused
    assert "on 05/04/2019 by Lò [/b] A" in refused
