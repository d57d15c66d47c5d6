"""Reading a completion sheet (CSV or XLSX) into rows keyed by column, with the row numbers
a spreadsheet shows.

Clerks fill these sheets by hand, with Vietnamese or English headers, accents or not, a title
row above the header, dates as dd/mm/yyyy or real Excel dates: all of that is read, and
every problem names file, line and column (dondoc.core.problems)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dondoc.core.problems import InputFileError, read_input
from dondoc.core.problems import InputProblem as Problem
from dondoc.core.sheets import workbook_rows
from dondoc.core.text import (
    CsvRowError,
    InputEncodingError,
    decode_bytes,
    normalize_text,
    numbered_csv_rows,
    without_marks,
)

# Column -> the headers that mean it (compared folded: no case, accents or punctuation);
# the first is how messages name a column the file lacks.
COLUMNS: dict[str, tuple[str, ...]] = {
    "occurrence_id": ("Mã", "occurrence_id", "occurrence", "id", "Mã công việc"),
    "plan": ("Số kế hoạch", "plan", "plan_number", "Kế hoạch", "Số KH", "Số hiệu kế hoạch"),
    "item": ("Nhiệm vụ", "item", "item_seq", "seq", "Nhiệm vụ số", "STT nhiệm vụ", "Mục"),
    "agency": (
        "Cơ quan",
        "agency",
        "agency_name",
        "Đơn vị",
        "Cơ quan thực hiện",
        "Cơ quan, đơn vị",
    ),
    "due": ("Hạn", "due", "due_date", "Thời hạn", "Hạn hoàn thành", "Ngày đến hạn"),
    "status": ("Trạng thái", "status", "Tình trạng"),
    "completed_on": ("Ngày hoàn thành", "completed_on"),
    "completed_by": ("Người báo cáo", "completed_by"),
    "note": ("Ghi chú", "note"),
}
KEY_COLUMNS = ("plan", "item", "agency", "due")  # what identifies work without its id
_HEADER_SEARCH = 20  # title rows a clerk may put above the header
_EXCEL_EPOCH = date(1899, 12, 30)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


class CompletionImportError(InputFileError):
    """The sheet cannot be imported; each problem names file, line and column."""


def fold(text: str) -> str:
    """A header or status word as compared: "Ngày hoàn thành" and "ngay_hoan_thanh" match."""
    return " ".join(re.findall(r"[a-z0-9]+", without_marks(text)))


_BY_HEADER = {fold(header): column for column, headers in COLUMNS.items() for header in headers}


def cell_text(value: Any) -> str | None:
    """A cell as tidy text (NFC, plain spaces); a whole number typed in a cell is text too."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    return normalize_text(str(value)).strip() or None


def parse_day(value: Any) -> date:
    """dd/mm/yyyy (how Vietnamese offices write dates), ISO, or an Excel date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2958466:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # a date cell formatted as a number
    text = cell_text(value) or ""
    try:
        if match := _ISO.fullmatch(text):
            year, month, day = map(int, match.groups())
            return date(year, month, day)
        if match := _DMY.fullmatch(text):
            day, month, year = map(int, match.groups())
            return date(year, month, day)
    except ValueError:
        pass  # 31/02/2019: the shape of a date, not a day of the calendar
    raise ValueError(f"{text!r} is not a date; write it as dd/mm/yyyy, e.g. 29/03/2019")


@dataclass(frozen=True)
class SheetRow:
    line: int
    cells: dict[str, Any]

    def value(self, column: str) -> Any:
        """The raw cell (an Excel date stays a datetime); None when blank."""
        value = self.cells.get(column)
        return None if isinstance(value, str) and not value.strip() else value

    def text(self, column: str) -> str | None:
        return cell_text(self.cells.get(column))


@dataclass
class Sheet:
    source: str
    header_line: int
    # Column -> its header as the file writes it: problems name the column the clerk sees.
    headers: dict[str, str]
    rows: list[SheetRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def title(self, column: str) -> str:
        return self.headers.get(column) or COLUMNS[column][0]

    def problem(self, line: int | None, column: str | None, message: str) -> Problem:
        return Problem(self.source, line, self.title(column) if column else None, message)

    @property
    def by_id(self) -> bool:
        return "occurrence_id" in self.headers


def read_sheet(path: Path) -> Sheet:
    """The first table (of a workbook: the first sheet) whose header names known columns."""
    source = str(path)
    raw = read_input(path, CompletionImportError)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        tables = _xlsx_tables(source, raw)
    elif suffix == ".csv":
        tables = [(source, _csv_rows(source, raw))]
    else:
        message = "unknown format: expected a .csv or .xlsx file (save an .xls as .xlsx)"
        raise CompletionImportError.one(source, message)
    for table_source, rows in tables:
        header = _find_header(rows)
        if header is not None:
            return _sheet(table_source, rows, header)
    message = "no header row: expected columns such as Mã or Số kế hoạch, Nhiệm vụ, Cơ quan, "
    message += "Hạn, and Trạng thái, Ngày hoàn thành"
    raise CompletionImportError.one(source, message)


Rows = list[tuple[int, list[Any]]]


def _csv_rows(source: str, raw: bytes) -> Rows:
    """UTF-8 with or without BOM; comma, semicolon (Excel in Vietnamese) or tab separated."""
    try:
        text = decode_bytes(raw).text
        head = "\n".join([line for line in text.splitlines() if line.strip()][:5])
        return list(numbered_csv_rows(text, delimiter=max(",;\t", key=head.count)))
    except (InputEncodingError, CsvRowError) as exc:
        raise exc.in_file(source, CompletionImportError) from exc


def _xlsx_tables(source: str, raw: bytes) -> list[tuple[str, Rows]]:
    """Every sheet's rows, streamed and bounded (dondoc.core.sheets)."""
    try:
        sheets = workbook_rows(raw)
    except InputFileError as exc:
        raise exc.in_file(source, CompletionImportError) from exc
    return [
        (f"{source} [{title}]" if len(sheets) > 1 else source, rows)
        for title, rows in sheets.items()
    ]


def _find_header(rows: Rows) -> int | None:
    """The index of the first row naming two known columns, among the first few rows."""
    filled = [index for index, (_, cells) in enumerate(rows) if any(map(cell_text, cells))]
    for index in filled[:_HEADER_SEARCH]:
        known = {_BY_HEADER.get(fold(cell_text(cell) or "")) for cell in rows[index][1]}
        if len(known - {None}) >= 2:
            return index
    return None


def _sheet(source: str, rows: Rows, header_index: int) -> Sheet:
    header_line, header_cells = rows[header_index]
    sheet = Sheet(source, header_line, {})
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for position, cell in enumerate(header_cells):
        written = cell_text(cell)
        if written is None:
            continue
        column = _BY_HEADER.get(fold(written))
        if column is None:
            sheet.warnings.append(f"{source}:{header_line}: column {written!r} is not read")
        elif column in positions:
            message = f"means the same as column {sheet.headers[column]!r}; keep one of them"
            problems.append(Problem(source, header_line, written, message))
        else:
            positions[column], sheet.headers[column] = position, written
    problems.extend(_missing_columns(sheet))
    if problems:
        raise CompletionImportError(problems)
    for line, cells in rows[header_index + 1 :]:
        if any(map(cell_text, cells)):
            values = {c: cells[p] if p < len(cells) else None for c, p in positions.items()}
            sheet.rows.append(SheetRow(line, values))
    return sheet


def _missing_columns(sheet: Sheet) -> list[Problem]:
    problems = []
    if "status" not in sheet.headers:
        message = "no status column: add one headed Trạng thái (or status)"
        problems.append(sheet.problem(sheet.header_line, "status", message))
    missing = [column for column in KEY_COLUMNS if column not in sheet.headers]
    if not sheet.by_id and missing:
        names = ", ".join(sheet.title(column) for column in missing)
        message = f"no Mã (occurrence_id) column, and without it the columns {names} are needed"
        problems.append(sheet.problem(sheet.header_line, None, message))
    return problems
