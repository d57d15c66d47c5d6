"""Workbooks read as rows, streamed and bounded before anything is allocated: a 2 KB .xlsx can
declare a cell at XFD1048576, and reading it whole (as pandas does) grew to 22 GB."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from typing import Any

from dondoc.core.problems import InputFileError

# a nation-wide plan has a few thousand items, a done sheet as many periods; CSV files too
# (dondoc.core.text.numbered_csv_rows), and YAML directories entries, hold no more. 20,000
# rows of a done-sheet workbook took 11.6 s to read and record (openpyxl's parse of the 50 MB
# sheet is most of it), past the 10 s every input gets; 10,000 take about half
MAX_ROWS = 10_000
MAX_COLUMNS = 64
# What a workbook's parts may expand to. A full sheet of real text compresses about 5 times
# (20,000 rows of long cells: 13 MB to 61 MB); a zip bomb a thousand times: 10 MB of it expand
# to 10 GB of empty rows that openpyxl walks one by one (13 s a million), or to one string it
# holds in memory. A large part compressed more than MAX_RATIO times is one.
MAX_EXPANDED_MB = 100
MAX_RATIO = 100
# Excel's last row: past it a sheet's rows are no worksheet's, only a walk to stop.
SHEET_ROWS = 1_048_576

Rows = list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, values)


def workbook_rows(
    data: bytes,
    *,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    max_chars: int | None = None,
) -> dict[str, Rows]:
    """Every sheet's rows by name (NFC), blank rows kept so numbers match the sheet; an
    InputFileError (no file name yet) when the workbook is broken or larger than the limits,
    `max_chars` of cell text in all (counted as read: a 10 MB workbook of 30 million
    characters is refused at its first million, not after reading it all)."""
    from openpyxl import load_workbook

    try:
        _check_expansion(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputFileError.one("", f"not a readable .xlsx workbook ({error})") from error
    except Exception as error:  # openpyxl's XML errors have no common base worth naming
        message = f"not a readable .xlsx workbook ({type(error).__name__}: {error})"
        raise InputFileError.one("", message) from error
    budget = [max_chars if max_chars is not None else -1]  # characters still allowed
    try:
        return {
            unicodedata.normalize("NFC", sheet.title): _rows(sheet, max_rows, max_columns, budget)
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _check_expansion(data: bytes) -> None:
    """Refuse a workbook whose parts declare more than MAX_EXPANDED_MB, or a large part
    compressed like a zip bomb, before any is inflated: zipfile stops each part at its
    declared size (past it the CRC fails), so the sizes bound what openpyxl can be made to read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 1_000_000 and ratio > MAX_RATIO:
            message = f"its part {part.filename} expands {ratio:,.0f} times "
            message += f"(to {part.file_size / 1_000_000:,.0f} MB): a zip bomb, not a sheet"
            raise InputFileError.one("", message)
    expanded = sum(part.file_size for part in parts)
    if expanded > MAX_EXPANDED_MB * 1_000_000:
        message = f"its parts expand to {expanded / 1_000_000:,.0f} MB, over the "
        message += f"{MAX_EXPANDED_MB} MB a workbook of {MAX_ROWS:,} rows can need"
        raise InputFileError.one("", message)


def _rows(sheet: Any, max_rows: int, max_columns: int, budget: list[int]) -> Rows:
    """The sheet's rows as its XML holds them. Its declared dimension is ignored (a lie costs
    nothing then): rows missing from the XML come back empty, and only a value past the limits
    refuses the sheet."""
    sheet.reset_dimensions()
    rows: Rows = []
    where = f"sheet {unicodedata.normalize('NFC', sheet.title)!r}"
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        if not cells:
            if number <= max_rows:
                rows.append((number, []))
            elif number > SHEET_ROWS:
                message = f"{where} has more than {SHEET_ROWS:,} rows, more than Excel can write"
                raise InputFileError.one("", message, line=number)
            continue
        values = list(cells)
        while values and values[-1] is None:
            values.pop()
        if values and number > max_rows:
            message = f"{where} has data past row {max_rows:,}; split it, or it is not a plan"
            raise InputFileError.one("", message, line=number)
        if len(values) > max_columns:
            message = f"{where} has data past column {max_columns}"
            raise InputFileError.one("", message, line=number)
        if budget[0] >= 0:
            budget[0] -= sum(len(str(value)) for value in values if value is not None)
            if budget[0] < 0:
                raise InputFileError.one("", f"{where} holds too much text", line=number)
        if number <= max_rows:
            rows.append((number, values))
    while rows and not rows[-1][1]:
        rows.pop()
    return rows
