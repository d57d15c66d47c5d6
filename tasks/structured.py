"""Plans as data an admin can edit: YAML in a text editor, CSV or XLSX in a spreadsheet.

All three carry the fields of ParsedPlan under the same names. The timeframe text is the single
source of an item's schedule: it is read again on load, so editing the text reschedules the item.
An optional `due` pins a one-off deadline the text cannot give ("Trước Hội nghị sơ kết") or
overrides the one it gives; the dump writes `due` only where the text alone would differ.
Unknown fields or columns are errors, not warnings: a misspelt key would otherwise drop data.
Agency names inside one CSV/XLSX cell are separated by "; " because the names contain commas.
"""

from __future__ import annotations

import io
import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import pandas as pd
import yaml
from openpyxl.styles import Alignment
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from tasks.parsed import ParsedItem, ParsedPlan, ParseWarning, PlanParseError, Schedule
from tasks.text import InputEncodingError, clean_name, decode_bytes, normalize_text
from tasks.timeframes import BeforeRule, parse_timeframe

STRUCTURED_SUFFIXES: frozenset[str] = frozenset({".yaml", ".yml", ".csv", ".xlsx"})
PLAN_FIELDS = ("number", "title", "issuer", "issued_on", "year", "monitoring_agency", "layout")
ITEM_FIELDS = ("seq", "section", "content", "details", "lead", "coordinating", "timeframe", "due")
NAME_FIELDS = ("lead", "coordinating")
ITEMS_SHEET = "Nhiệm vụ"
PLAN_SHEET = "Kế hoạch"
NAME_SEPARATOR = "; "
_COLUMN_WIDTHS = {"content": 60, "details": 50, "lead": 40, "coordinating": 40, "timeframe": 30}
_Model = TypeVar("_Model", bound=BaseModel)


def _fail(message: str, source: str, line: int | None = None) -> NoReturn:
    raise PlanParseError(message, source=source, line=line)


# --- field values --------------------------------------------------------------------------
def _as_text(value: Any) -> str | None:
    """YAML scalars and spreadsheet cells as text; a number typed in a cell counts as text."""
    if isinstance(value, list | dict):
        raise ValueError("expected text, found a list or mapping")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else normalize_text(str(value)).strip() or None


def _as_names(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("expected a list of agency names (in YAML one '- name' line each)")
    if any(isinstance(entry, list | dict) for entry in value):
        raise ValueError("each agency name must be text, found a nested list or mapping")
    return [name for entry in value if entry is not None and (name := clean_name(str(entry)))]


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    with suppress(ValueError):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-07-15")


_Text = Annotated[str | None, BeforeValidator(_as_text)]
_Names = Annotated[list[str], BeforeValidator(_as_names)]
_Date = Annotated[date | None, BeforeValidator(_as_date)]


class _PlanFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: _Text = None
    title: _Text = None
    issuer: _Text = None
    issued_on: _Date = None
    year: Annotated[int | None, Field(ge=1900, le=2100)] = None
    monitoring_agency: _Text = None
    layout: _Text = None


class _ItemFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: _Text = None
    section: _Text = None
    content: _Text = None
    details: _Text = None
    lead: _Names = []
    coordinating: _Names = []
    timeframe: _Text = None
    due: _Date = None


# --- from located records to a ParsedPlan --------------------------------------------------
@dataclass
class _Record:
    """One mapping read from a file, with the line (or row) of each key for messages."""

    values: dict[str, Any]
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    place: str = "field"  # "item 3, field" or "sheet 'Nhiệm vụ', row {line}, column"
    flow_keys: set[str] = field(default_factory=set)  # YAML keys written as [a, b]

    def error(self, key: str, message: str, source: str) -> NoReturn:
        line = self.key_lines.get(key, self.line)
        _fail(f"{self.place.format(line=line)} {key!r}: {message}", source, line)


def _validate(model: type[_Model], record: _Record, source: str) -> _Model:
    try:
        return model.model_validate(record.values)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown; the known ones are {', '.join(model.model_fields)}"
        record.error(str(first["loc"][0]) if first["loc"] else "?", message, source)


def _build_plan(
    header: _Record, records: list[_Record], *, source: str, before: BeforeRule
) -> ParsedPlan:
    fields = _validate(_PlanFields, header, source)
    if not fields.title:
        header.error("title", "missing: the plan needs a title", source)
    plan = ParsedPlan(**fields.model_dump() | {"layout": fields.layout or "list"})
    for index, record in enumerate(records, 1):
        values = _validate(_ItemFields, record, source)
        if not values.content:
            record.error("content", "missing: every item needs its content", source)
        schedule = parse_timeframe(values.timeframe or "", year=plan.year, before=before)
        if values.due is not None:
            if schedule.kind not in ("once", "unknown"):
                message = f"only a one-off deadline can be pinned, but {schedule.text!r} is "
                record.error("due", message + f"{schedule.kind}; edit the timeframe", source)
            schedule = replace(schedule, kind="once", due=values.due, problem=None)
        kept = values.model_dump(exclude={"seq", "timeframe", "due"})
        item = ParsedItem(
            seq=values.seq or str(index), timeframe=schedule, line=record.line, **kept
        )
        plan.items.append(item)
        plan.warnings.extend(_item_warnings(item, plan, record))
    return plan


def _item_warnings(item: ParsedItem, plan: ParsedPlan, record: _Record) -> list[ParseWarning]:
    """As the text parser does: the item is kept and the admin told what needs a look."""
    found, schedule, label = [], item.timeframe, f"item {item.seq}"
    if not item.lead:
        found.append(ParseWarning(item.line, f"{label}: no lead agency ('lead' is empty)"))
    if not schedule.text:
        found.append(ParseWarning(item.line, f"{label}: no timeframe ('timeframe' is empty)"))
    elif schedule.kind == "unknown":
        message = f"{label}: timeframe {schedule.text!r} not read: {schedule.problem}"
        found.append(ParseWarning(item.line, message))
    if reference := _deadline_before_plan(schedule, plan.issued_on, plan.year):
        message = f"{label}: deadline {schedule.due} is before the plan's date {reference}"
        found.append(ParseWarning(item.line, f"{message}: {schedule.text!r}"))
    for key in sorted(record.flow_keys.intersection(NAME_FIELDS)):
        for agency in [agency for agency in getattr(item, key) if agency[:1].islower()]:
            message = f"{label}: {key} name {agency!r} starts in lower case; in a [a, b] list "
            message += "a comma splits names, so quote a name that contains a comma"
            found.append(ParseWarning(record.key_lines.get(key, item.line), message))
    return found


def _deadline_before_plan(schedule: Schedule, issued_on: date | None, year: int | None) -> str:
    """The plan's date when the deadline precedes it (a date copied from last year's plan),
    else "". Same rule as the text parser: an undated plan counts from 1 January."""
    reference = issued_on or (date(year, 1, 1) if year else None)
    if schedule.due is None or reference is None or schedule.due >= reference:
        return ""
    return reference.isoformat() + ("" if issued_on else " (the plan has no day and month)")


# --- YAML ----------------------------------------------------------------------------------
class _LocatedMap(dict[str, Any]):
    line = 0
    key_lines: dict[str, int]
    flow_keys: set[str]


class _Loader(yaml.SafeLoader):
    """Every plain scalar stays text (only `null`, `~` and nothing mean None): "1.10" is a seq,
    not the float 1.1, and pydantic decides what is a year or a date."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _LocatedMap:
    data = _LocatedMap()
    data.line, data.key_lines, data.flow_keys = node.start_mark.line + 1, {}, set()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str) or key in data:
            problem = f"duplicate key {key!r}" if key in data else "a key must be text"
            raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.SequenceNode) and value_node.flow_style:
            data.flow_keys.add(key)
    return data


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key, multi-line text as a literal block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _Dumper.represent_str)


def dump_yaml(plan: ParsedPlan, *, before: BeforeRule = "on") -> str:
    document = {key: value for key in PLAN_FIELDS if (value := getattr(plan, key)) is not None}
    document["items"] = [_item_mapping(item, plan.year, before) for item in plan.items]
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)


def _item_mapping(item: ParsedItem, year: int | None, before: BeforeRule) -> dict[str, Any]:
    mapping = {"seq": item.seq, "section": item.section or None, "content": item.content}
    mapping |= {"details": item.details or None, "lead": item.lead}
    mapping |= {"coordinating": item.coordinating, "timeframe": item.timeframe.text}
    mapping["due"] = _pinned_due(item.timeframe, year, before)
    return {key: value for key, value in mapping.items() if value is not None}


def _pinned_due(schedule: Schedule, year: int | None, before: BeforeRule) -> date | None:
    """The deadline to write as `due`: only when reading the text again would not give it."""
    if schedule.kind != "once" or schedule.due is None:
        return None
    again = parse_timeframe(schedule.text, year=year, before=before)
    return None if (again.kind, again.due) == ("once", schedule.due) else schedule.due


def load_yaml(text: str, *, source: str = "", before: BeforeRule = "on") -> ParsedPlan:
    try:
        document = yaml.load(text.removeprefix("\ufeff"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
        where = f" ({exc.context} from line {context.line + 1})" if exc.context and context else ""
        _fail(f"not valid YAML: {exc.problem}{where}", source, mark and mark.line + 1)
    except yaml.YAMLError as exc:
        _fail(f"not valid YAML: {exc}", source)
    if not isinstance(document, _LocatedMap):
        _fail("expected the plan's fields (number, title, …, items) as a YAML mapping", source, 1)
    items = document.pop("items", None)
    header = _Record(dict(document), 1, document.key_lines)
    if not items:
        header.error("items", "the plan has no items; add at least one", source)
    if not isinstance(items, list):
        header.error("items", "expected a list of items, each starting with '- '", source)
    records = []
    for index, entry in enumerate(items, 1):
        if not isinstance(entry, _LocatedMap):
            message = f"item {index} is not a mapping of fields (seq, content, lead, …)"
            header.error("items", message, source)
        place = f"item {index}, field"
        records.append(_Record(dict(entry), entry.line, entry.key_lines, place, entry.flow_keys))
    return _build_plan(header, records, source=source, before=before)


# --- CSV and XLSX --------------------------------------------------------------------------
def _item_row(item: ParsedItem, year: int | None, before: BeforeRule) -> dict[str, Any]:
    row = _item_mapping(item, year, before)
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
    starts with a byte-order mark so that Excel opens it as UTF-8."""
    rows = [_item_row(item, plan.year, before) for item in plan.items] or [{}]
    rows[0] |= _plan_cells(plan)
    frame = pd.DataFrame(rows, columns=[*ITEM_FIELDS, *PLAN_FIELDS], dtype=object)
    return "\ufeff" + frame.fillna("").to_csv(index=False, lineterminator="\n")


def dump_xlsx(plan: ParsedPlan, *, before: BeforeRule = "on") -> bytes:
    """Items on the sheet "Nhiệm vụ", the plan's fields as field/value rows on "Kế hoạch"."""
    items = [_item_row(item, plan.year, before) for item in plan.items]
    values = list(_plan_cells(plan).values())
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame = pd.DataFrame(items, columns=list(ITEM_FIELDS), dtype=object)
        frame.fillna("").to_excel(writer, sheet_name=ITEMS_SHEET, index=False)
        header = pd.DataFrame({"field": PLAN_FIELDS, "value": values}, dtype=object)
        header.fillna("").to_excel(writer, sheet_name=PLAN_SHEET, index=False)
        for sheet in writer.book.worksheets:  # wide wrapped columns: long texts stay editable
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
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _columns(frame: pd.DataFrame, allowed: tuple[str, ...], where: str, source: str) -> None:
    """Header names as plain keys; unknown ones refused (a blank, unnamed column passes)."""
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    for name in frame.columns:
        blank = name.startswith("unnamed:") and all(_cell(v) is None for v in frame[name])
        if name not in allowed and not blank:
            _fail(f"{where}row 1: unknown column {name!r}; known: {', '.join(allowed)}", source, 1)
    if "content" not in frame.columns:
        _fail(f"{where}row 1: no 'content' column", source, 1)


def _table_records(frame: pd.DataFrame, where: str, source: str) -> tuple[_Record, list[_Record]]:
    """Item rows, and the plan fields found in any row (each given once, sorting may move it)."""
    plan = _Record({}, 2, {}, where + "row {line}, column")
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
            records.append(_Record(cells, number, {}, where + "row {line}, column"))
    if not records:
        _fail(f"{where}no item rows: write one item per row from row 2 on", source, 2)
    return plan, records


def load_csv(text: str, *, source: str = "", before: BeforeRule = "on") -> ParsedPlan:
    """Comma-, semicolon- (Excel with Vietnamese regional settings) or tab-separated."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        _fail("the file is empty", source)
    separator = max((",", ";", "\t"), key=text.split("\n", 1)[0].count)
    try:
        # skip_blank_lines=False keeps the row numbers a spreadsheet shows
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=object, na_filter=False, skip_blank_lines=False
        )
    except (pd.errors.ParserError, ValueError) as exc:
        _fail(f"not a readable CSV table: {exc}", source)
    _columns(frame, (*ITEM_FIELDS, *PLAN_FIELDS), "", source)
    header, records = _table_records(frame, "", source)
    return _build_plan(header, records, source=source, before=before)


def load_xlsx(data: bytes, *, source: str = "", before: BeforeRule = "on") -> ParsedPlan:
    try:
        sheets = pd.read_excel(
            io.BytesIO(data), sheet_name=None, engine="openpyxl", dtype=object, na_filter=False
        )
    except Exception as exc:  # zip, XML and openpyxl errors alike mean a broken workbook
        _fail(f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", source)
    by_name = {unicodedata.normalize("NFC", str(name)): frame for name, frame in sheets.items()}
    for wanted in (ITEMS_SHEET, PLAN_SHEET):
        if wanted not in by_name:
            found = ", ".join(repr(name) for name in by_name)
            _fail(f"no sheet {wanted!r}; found {found}", source)
    where = f"sheet {ITEMS_SHEET!r}, "
    _columns(by_name[ITEMS_SHEET], ITEM_FIELDS, where, source)
    records = _table_records(by_name[ITEMS_SHEET], where, source)[1]
    header = _plan_sheet(by_name[PLAN_SHEET], source)
    return _build_plan(header, records, source=source, before=before)


def _plan_sheet(frame: pd.DataFrame, source: str) -> _Record:
    """The key/value sheet: column 'field' names a plan field, column 'value' holds it."""
    where = f"sheet {PLAN_SHEET!r}, "
    frame.columns = [str(name).strip().lower() for name in frame.columns]
    if not {"field", "value"} <= set(frame.columns):
        _fail(f"{where}row 1: expected the columns 'field' and 'value'", source, 1)
    record = _Record({}, 1, {}, where + "row {line}, field")
    for number, (key, value) in enumerate(zip(frame["field"], frame["value"], strict=True), 2):
        key, value = _cell(key), _cell(value)
        if key is None and value is not None:
            _fail(f"{where}row {number}: a value without a field name", source, number)
        if key is not None and str(key) in record.values:
            _fail(f"{where}row {number}: field {key!r} is given twice", source, number)
        if key is not None:
            record.values[str(key)], record.key_lines[str(key)] = value, number
    return record


def read_structured_file(path: Path, *, before: BeforeRule = "on") -> tuple[ParsedPlan, str]:
    """The plan in a .yaml/.yml/.csv/.xlsx file, and its YAML dump: the canonical text to hash
    and store, the same whichever of the three formats the admin edited."""
    source, suffix = str(path), path.suffix.lower()
    if suffix not in STRUCTURED_SUFFIXES:
        _fail(f"not a structured plan (expected {', '.join(sorted(STRUCTURED_SUFFIXES))})", source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        _fail(f"cannot read the file: {exc.strerror}", source)
    if suffix == ".xlsx":
        plan = load_xlsx(raw, source=source, before=before)
    else:
        try:
            text = decode_bytes(raw).text
        except InputEncodingError as exc:
            _fail(str(exc), source)
        load = load_csv if suffix == ".csv" else load_yaml
        plan = load(text, source=source, before=before)
    return plan, dump_yaml(plan, before=before)
