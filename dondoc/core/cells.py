"""Spreadsheet cells that hold text and stay text. A value starting with = + - @, a tab or a
carriage return is what Excel and LibreOffice run as a formula (OWASP's CSV injection list):
plan text such as '=HYPERLINK("http://…", "Xem")' must open as those characters, never as a
live link in an official's workbook, and an exported plan must read back as it was.

XLSX has cell types: such a value is stored as a string (openpyxl makes any "=…" a formula)
with Excel's quote prefix, so editing the cell keeps it text; a reader gets it back as is.
CSV has none: the value is written after an apostrophe, which spreadsheets take as "text"
and `csv_value` takes off again."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A value the CSV form escapes: one that starts a formula, or such a value already escaped
# (each apostrophe more is one more taken off: "'=x" is written "''=x" and read "'=x").
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")

Value = TypeVar("Value")


def formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Value) -> Value | str:
    """A value as a CSV writes it: text that starts a formula behind an apostrophe."""
    if isinstance(value, str) and _ESCAPED.match(value):
        return "'" + value
    return value


def csv_value(text: str) -> str:
    """A CSV cell as written before `csv_cell` (anything else is left as it is)."""
    if text.startswith("'") and _ESCAPED.match(text, 1):
        return text[1:]
    return text


def text_cells(sheet: Worksheet) -> None:
    """Store every cell of a written sheet that a spreadsheet would run as a formula as the
    text it holds."""
    for row in sheet.iter_rows():
        for cell in row:
            if formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
