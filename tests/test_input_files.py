"""Every user file's problems in one format, and the one YAML door: hostile YAML is refused
with a message at its line, by every reader, instead of a hang, a RecursionError or a
traceback."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from dondoc.core.db import session_scope
from dondoc.core.problems import InputFileError, InputProblem, read_input
from dondoc.core.yaml_lines import load_yaml
from models import Agency
from tasks.completion.sheet import CompletionImportError, read_sheet
from tasks.directory import DirectoryError, load_directory
from tasks.notify import NotifyPolicy, NotifyPolicyError
from tasks.plans import PlanParseError
from tasks.plans.structured import read_structured_file
from tasks.schedule import WorkdayOverrideError, load_overrides
from tests.support.cli import Cli
from tests.support.settings import SettingsEnv

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"

# Each user YAML file's reader and the error it raises.
READERS: dict[str, tuple[Callable[[Path], Any], type[InputFileError]]] = {
    "directory": (load_directory, DirectoryError),
    "workday overrides": (load_overrides, WorkdayOverrideError),
    "notification policy": (NotifyPolicy.from_file, NotifyPolicyError),
    "structured plan": (read_structured_file, PlanParseError),
}


@pytest.mark.parametrize(
    ("source", "line", "field", "message", "shown"),
    [
        ("a.yaml", 3, "email", "invalid", "a.yaml:3: email: invalid"),
        ("a.yaml", 3, None, "not valid YAML", "a.yaml:3: not valid YAML"),
        ("a.yaml", None, None, "cannot read the file", "a.yaml: cannot read the file"),
        ("", 4, None, "not UTF-8 text", "line 4: not UTF-8 text"),
        ("", None, None, "the file is empty", "the file is empty"),
    ],
)
def test_a_problem_names_file_line_and_field_leaving_out_what_is_unknown(
    source: str, line: int | None, field: str | None, message: str, shown: str
) -> None:
    assert str(InputProblem(source, line, field, message)) == shown


def test_an_input_file_error_lists_every_problem_in_line_order() -> None:
    error = InputFileError(
        [InputProblem("a.csv", 7, "due", "not a date"), InputProblem("a.csv", 2, None, "short")]
    )
    assert str(error) == "a.csv:2: short\na.csv:7: due: not a date"
    assert (error.source, error.line) == ("a.csv", 2)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("file_name", "line", "fragment"),
    [
        ("billion-laughs.yaml", 6, "its aliases (*name) expand to more than 100000 values"),
        ("deep-nesting.yaml", 2, "nested more than 50 levels deep"),
        ("python-tag.yaml", 3, "the tag !!python/object/apply:os.system is not allowed"),
        ("alias-loop.yaml", 2, "an alias (*name) refers to a list or mapping that contains it"),
        ("key-twice.yaml", 4, "reason: given twice (also on line 3)"),
    ],
)
def test_every_yaml_reader_refuses_a_hostile_file_at_its_line(
    reader: str, file_name: str, line: int, fragment: str
) -> None:
    read, error = READERS[reader]
    path = HOSTILE / file_name
    with pytest.raises(error) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: ")
    assert fragment in message
    assert len(message.splitlines()) == 1


def test_the_billion_laughs_message_does_not_print_what_the_aliases_expand_to() -> None:
    with pytest.raises(DirectoryError) as caught:
        load_directory(HOSTILE / "billion-laughs.yaml")
    assert "lol" not in str(caught.value) and len(str(caught.value)) < 300


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, monkeypatch)


@pytest.mark.parametrize("file_name", ["billion-laughs.yaml", "python-tag.yaml"])
def test_agencies_import_of_a_hostile_file_fails_with_its_line_and_writes_nothing(
    cli: Cli, database_url: str, file_name: str
) -> None:
    path = HOSTILE / file_name
    result = cli("agencies", "import", str(path), expect=1)
    assert f"{path}:" in result.stderr and "Traceback" not in result.stderr
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Agency)) == 0


def test_a_file_over_the_input_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SettingsEnv(monkeypatch).set(max_input_mb=1)
    path = tmp_path / "huge.csv"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(InputFileError) as error:
        read_input(path)
    assert str(error.value) == f"{path}: 1.0 MB, over the 1 MB limit (DONDOC_MAX_INPUT_MB)"


def test_a_large_yaml_file_without_aliases_is_not_taken_for_a_billion_laughs() -> None:
    # 150,000 values, none from an alias: the limit is on what aliases add
    document = load_yaml("agencies: [" + ", ".join(["x"] * 150_000) + "]\n", "big.yaml")
    assert len(document.data["agencies"]) == 150_000


def test_yaml_nested_far_past_the_limit_is_refused_at_its_line_without_a_crash() -> None:
    with pytest.raises(InputFileError) as caught:
        load_yaml("a: 1\nb: " + "[" * 100_000 + "]" * 100_000 + "\n", "deep.yaml")
    assert str(caught.value).startswith("deep.yaml:2: not valid YAML: ")
    assert "nest" in str(caught.value)


CSV_READERS: dict[str, tuple[Callable[[Path], Any], type[InputFileError], str]] = {
    "directory": (load_directory, DirectoryError, "name"),
    "done sheet": (read_sheet, CompletionImportError, "Mã,Trạng thái"),
    "structured plan": (read_structured_file, PlanParseError, "content"),
}


@pytest.mark.parametrize("reader", CSV_READERS)
def test_every_csv_reader_refuses_data_past_column_64_at_its_row(
    reader: str, tmp_path: Path
) -> None:
    read, error, header = CSV_READERS[reader]
    path = tmp_path / "wide.csv"
    path.write_text(f"{header}\n1,xong\n" + ",".join(["v"] * 65) + "\n", encoding="utf-8")
    with pytest.raises(error) as caught:
        read(path)
    assert f"{path}:3: " in str(caught.value)
    assert "data past column 64" in str(caught.value)


@pytest.mark.parametrize("reader", CSV_READERS)
def test_every_csv_reader_names_a_cell_over_the_csv_modules_limit(
    reader: str, tmp_path: Path
) -> None:
    read, error, header = CSV_READERS[reader]
    path = tmp_path / "huge.csv"
    path.write_text(f'{header}\n"{"x" * 200_000}"\n', encoding="utf-8")
    with pytest.raises(error) as caught:
        read(path)
    assert f"{path}:2: " in str(caught.value)
    assert "a cell longer than 131,072 characters, or a quote left open" in str(caught.value)


def test_a_workbook_that_expands_like_a_zip_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path,
) -> None:
    # 2 MB of empty rows deflate to 2 KB; 10 MB of such a file expand to 10 GB
    book = Workbook()
    book.active.title = "Nhiệm vụ"
    plain = io.BytesIO()
    book.save(plain)
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                rows = b"<sheetData>" + b"<row/>" * 350_000 + b"</sheetData>"
                data = re.sub(rb"<sheetData\s*/>|<sheetData></sheetData>", rows, data)
            out.writestr(part, data, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 20_000
    with pytest.raises(PlanParseError) as error:
        read_structured_file(path)
    assert str(error.value).startswith(f"{path}: its part xl/worksheets/sheet1.xml expands ")
    assert str(error.value).endswith(" times (to 2 MB): a zip bomb, not a sheet")


def test_a_yaml_file_of_more_values_than_a_person_keeps_is_refused_at_its_line() -> None:
    with pytest.raises(InputFileError) as caught:
        load_yaml("a: 1\nb: [" + ", ".join(["1"] * 300_000) + "]\n", "big.yaml")
    assert str(caught.value) == (
        "big.yaml:2: more than 300,000 values: no file a person keeps holds that many"
    )


def test_a_yaml_directory_of_more_agencies_than_a_csv_may_have_rows_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "directory.yaml"
    entries = "".join(f"  - name: Phòng {n}\n" for n in range(10_001))
    path.write_text("agencies:\n" + entries, encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        load_directory(path)
    assert str(caught.value) == (
        f"{path}:10002: agencies: more than 10,000 entries: a directory serves one locality"
    )
