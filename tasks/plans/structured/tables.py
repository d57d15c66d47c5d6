"""Plans as spreadsheets: CSV with one row per item, XLSX with an items sheet and a plan sheet.

The plan's fields and the item fields carry the same names as in YAML; unknown columns are errors.
Agency names inside one cell are separated by "; " because the names contain commas."""

from __future__ import annotations

import io
import math
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dondoc.core.cells import csv_cell, csv_value, text_cells
from dondoc.core.problems import InputFileError
from dondoc.core.settings import get_settings
from dondoc.core.sheets import workbook_rows
from dondoc.core.text import CsvRowError, numbered_csv_rows
from tasks.plans.parsed import ParsedItem, ParsedPlan
from tasks.plans.structured.build import build_plan, item_mapping
from tasks.plans.structured.fields import (
    ITEM_FIELDS,
    NAME_FIELDS,
    PLAN_FIELDS,
    Record,
    fail,
)
from tasks.plans.timeframes import BeforeRule

if TYPE_CHECKING:  # pandas and openpyxl load in a second: only the commands that need them
    import pandas as pd

ITEMS_SHEET = "Nhiệm vụ"
PLAN_SHEET = "Kế hoạch"
NAME_SEPARATOR = "; "
_COLUMN_WIDTHS = {"content": 60, "details": 50, "lead": 40, "coordinating": 40, "timeframe": 30}


def _item_row(item: ParsedItem, year: int | None, before: BeforeRule) -> dict[str, Any]:
    row = item_mapping(item, year, before)
    for key in NAME_FIELDS:
        if clash := [name for name in row[key] if ";" in name]:
            raise ValueError(f"item {item.seq}: {key} {clash[0]!r} holds ';', the cell separator")
        row[key] = NAME_SEPARATOR.join(row[key])
    return row | ({"due": row["due"].isoformat()} if "due" in row else {})


def _plan_cells(plan: ParsedPlan) -> dict[str, Any]:
    """The plan's fields as cell values: dates as ISO text, like everywhere else."""
    cells = {key: getattr(plan, key) for key in PLAN_FIELDS}
    return cells | {"issued_on": plan.issued_on.isoformat() if plan.issued_on else None}


def dump_csv(plan: ParsedPlan, *, before: BeforeRule = "on") -> str:
    """One row per item; the plan's fields fill their columns on the first row only. The text
    starts with a byte-order mark so that Excel opens it as UTF-8; text that a spreadsheet
    would run as a formula is escaped (dondoc.core.cells), and load_csv reads it back."""
    import pandas as pd

    rows = [_item_row(item, plan.year, before) for item in plan.items] or [{}]
    rows[0] |= _plan_cells(plan)
    frame = pd.DataFrame(rows, columns=[*ITEM_FIELDS, *PLAN_FIELDS], dtype=object)
    frame = frame.fillna("").map(csv_cell)
    return "\ufeff" + frame.to_csv(index=False, lineterminator="\n")


def dump_xlsx(plan: ParsedPlan, *, before: BeforeRule = "on") -> bytes:
    """Items on the sheet "Nhiệm vụ", the plan's fields as field/value rows on "Kế hoạch"."""
    import pandas as pd
    from openpyxl.styles import Alignment

    items = [_item_row(item, plan.year, before) for item in plan.items]
    values = list(_plan_cells(plan).values())
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame = pd.DataFrame(items, columns=list(ITEM_FIELDS), dtype=object)
        frame.fillna("").to_excel(writer, sheet_name=ITEMS_SHEET, index=False)
        header = pd.DataFrame({"field": PLAN_FIELDS, "value": values}, dtype=object)
        header.fillna("").to_excel(writer, sheet_name=PLAN_SHEET, index=False)
        for sheet in writer.book.worksheets:  # wide wrapped columns: long texts stay editable
            text_cells(sheet)
            sheet.freeze_panes = "A2"
            for column in sheet.iter_cols():
                width = _COLUMN_WIDTHS.get(str(column[0].value), 16)
                sheet.column_dimensions[column[0].column_letter].width = width
                for cell in column[1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime):
        return value.date()
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _columns(frame: pd.DataFrame, allowed: tuple[str, ...], where: str, source: str) -> None:
    """Header names as plain keys; unknown ones refused (a blank, unnamed column passes)."""
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    for name in frame.columns:
        blank = name.startswith("unnamed:") and all(_cell(v) is None for v in frame[name])
        if name not in allowed and not blank:
            fail(f"{where}row 1: unknown column {name!r}; known: {', '.join(allowed)}", source, 1)
    if "content" not in frame.columns:
        fail(f"{where}row 1: no 'content' column", source, 1)


def _table_records(frame: pd.DataFrame, where: str, source: str) -> tuple[Record, list[Record]]:
    """Item rows, and the plan fields found in any row (each given once, sorting may move it)."""
    plan = Record({}, 2, {}, where + "row {line}, column")
    records = []
    for number, row in enumerate(frame.to_dict("records"), 2):  # row 1 holds the column names
        cells = {key: _cell(value) for key, value in row.items() if not key.startswith("unnamed:")}
        for key in PLAN_FIELDS:
            if (value := cells.pop(key, None)) is None:
                continue
            if plan.values.setdefault(key, value) != value:
                plan.key_lines[key] = number
                plan.error(key, "differs from an earlier row; give it once", source)
            plan.key_lines.setdefault(key, number)
        if any(value is not None for value in cells.values()):
            for key in NAME_FIELDS:
                if cells.get(key) is not None:
                    cells[key] = str(cells[key]).split(";")
            records.append(Record(cells, number, {}, where + "row {line}, column"))
    if not records:
        fail(f"{where}no item rows: write one item per row from row 2 on", source, 2)
    return plan, records


def load_csv(text: str, *, source: str = "", before: BeforeRule = "on") -> ParsedPlan:
    """Comma-, semicolon- (Excel with Vietnamese regional settings) or tab-separated."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        fail("the file is empty", source)
    separator = max((",", ";", "\t"), key=text.split("\n", 1)[0].count)
    try:
        (_, header), *rows = numbered_csv_rows(text, delimiter=separator)
    except CsvRowError as exc:
        reason = exc.problems[0].message
        fail(f"not a readable CSV table: {reason}", source, exc.line)
    for line, cells in rows:
        if len(cells) > len(header):
            # pandas took the extra cell for an index and shifted every column left
            message = (
                f"{len(cells)} cells under {len(header)} column names: a cell with an "
                f"unquoted {separator!r} in it? quote it"
            )
            fail(message, source, line)
    # a cell the export escaped ("'=…") is read back as it was
    body = [[csv_value(cell) for cell in cells] for _, cells in rows]
    frame = _frame(header, body, "", source)
    _columns(frame, (*ITEM_FIELDS, *PLAN_FIELDS), "", source)
    header, records = _table_records(frame, "", source)
    return build_plan(header, records, source=source, before=before)


def _frame(header: list[Any], rows: list[list[Any]], where: str, source: str) -> pd.DataFrame:
    """The table under its header row. Columns are named as pandas would (a blank header is
    "Unnamed: i", which passes if its column is blank too); a name given twice is refused;
    blank rows are kept and short ones padded, so row numbers are the ones a spreadsheet shows."""
    import pandas as pd

    width = max([len(header), *map(len, rows)])
    names = [str(name).strip() if name is not None else "" for name in header]
    names += [""] * (width - len(names))
    names = [name or f"Unnamed: {index}" for index, name in enumerate(names)]
    if twice := sorted(name for name, seen in Counter(names).items() if seen > 1):
        fail(f"{where}row 1: the column {twice[0]!r} is given twice", source, 1)
    padded = [list(cells) + [""] * (width - len(cells)) for cells in rows]
    return pd.DataFrame(padded, columns=names, dtype=object)


def load_xlsx(data: bytes, *, source: str = "", before: BeforeRule = "on") -> ParsedPlan:
    limit = get_settings().max_plan_chars
    try:
        sheets = workbook_rows(data, max_chars=limit)
    except InputFileError as exc:
        problem = exc.problems[0]
        if problem.message.endswith("holds too much text"):
            characters = f"more than {limit:,} characters, over the {limit:,}-character limit"
            fail(f"{characters} of a plan (DONDOC_MAX_PLAN_CHARS)", source)
        fail(problem.message, source, problem.line)
    by_name: dict[str, pd.DataFrame] = {}
    for name, rows in sheets.items():
        header, *body = [cells for _, cells in rows] or [[]]
        by_name[name] = _frame(header, body, f"sheet {name!r}, ", source)
    for wanted in (ITEMS_SHEET, PLAN_SHEET):
        if wanted not in by_name:
            found = ", ".join(repr(name) for name in by_name)
            fail(f"no sheet {wanted!r}; found {found}", source)
    where = f"sheet {ITEMS_SHEET!r}, "
    _columns(by_name[ITEMS_SHEET], ITEM_FIELDS, where, source)
    records = _table_records(by_name[ITEMS_SHEET], where, source)[1]
    header = _plan_sheet(by_name[PLAN_SHEET], source)
    return build_plan(header, records, source=source, before=before)


def _plan_sheet(frame: pd.DataFrame, source: str) -> Record:
    """The key/value sheet: column 'field' names a plan field, column 'value' holds it."""
    where = f"sheet {PLAN_SHEET!r}, "
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    if not {"field", "value"} <= set(frame.columns):
        fail(f"{where}row 1: expected the columns 'field' and 'value'", source, 1)
    record = Record({}, 1, {}, where + "row {line}, field")
    for number, (key, value) in enumerate(zip(frame["field"], frame["value"], strict=True), 2):
        key, value = _cell(key), _cell(value)
        if key is None and value is not None:
            fail(f"{where}row {number}: a value without a field name", source, number)
        if key is not None and str(key) in record.values:
            fail(f"{where}row {number}: field {key!r} is given twice", source, number)
        if key is not None:
            record.values[str(key)], record.key_lines[str(key)] = value, number
    return record
