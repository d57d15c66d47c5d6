"""Workbooks read as rows, streamed and bounded before anything is allocated: a 2 KB .xlsx can
declare a cell at XFD1048576, and reading it whole (as pandas does) grew to 22 GB."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from typing import Any

from dondoc.core.problems import InputFileError

# a nation-wide plan has a few thousand items, a done sheet as many periods; CSV files too
# (dondoc.core.text.numbered_csv_rows) hold no more rows than a workbook may
MAX_ROWS = 20_000
MAX_COLUMNS = 64

Rows = list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, values)


def workbook_rows(
    data: bytes, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
) -> dict[str, Rows]:
    """Every sheet's rows by name (NFC), blank rows kept so numbers match the sheet; an
    InputFileError (no file name yet) when the workbook is broken or larger than the limits."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputFileError.one("", f"not a readable .xlsx workbook ({error})") from error
    except Exception as error:  # openpyxl's XML errors have no common base worth naming
        message = f"not a readable .xlsx workbook ({type(error).__name__}: {error})"
        raise InputFileError.one("", message) from error
    try:
        return {
            unicodedata.normalize("NFC", sheet.title): _rows(sheet, max_rows, max_columns)
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _rows(sheet: Any, max_rows: int, max_columns: int) -> Rows:
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
        if number <= max_rows:
            rows.append((number, values))
    while rows and not rows[-1][1]:
        rows.pop()
    return rows
