"""The fields a structured plan (YAML, CSV, XLSX) carries, and their validation into a
ParsedPlan, shared by the YAML and the table formats so all three read and warn alike.

The timeframe text is the single source of an item's schedule: it is read again on load, so
editing the text reschedules the item. An optional `due` pins a one-off deadline the text cannot
give ("Trước Hội nghị sơ kết") or overrides the one it gives; the dump writes `due` only where the
text alone would differ. Unknown fields are errors, not warnings: a misspelt key would otherwise
drop data."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Annotated, Any, NoReturn, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from dondoc.core.text import clean_name, normalize_text
from tasks.plans.parsed import (
    ParsedItem,
    ParsedPlan,
    ParseWarning,
    PlanParseError,
    Schedule,
    deadline_warning,
)
from tasks.plans.timeframes import BeforeRule, parse_timeframe

PLAN_FIELDS = ("number", "title", "issuer", "issued_on", "year", "monitoring_agency", "layout")
ITEM_FIELDS = ("seq", "section", "content", "details", "lead", "coordinating", "timeframe", "due")
NAME_FIELDS = ("lead", "coordinating")
_Model = TypeVar("_Model", bound=BaseModel)


def fail(message: str, source: str, line: int | None = None) -> NoReturn:
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
class Record:
    """One mapping read from a file, with the line (or row) of each key for messages."""

    values: dict[str, Any]
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    place: str = "field"  # "item 3, field" or "sheet 'Nhiệm vụ', row {line}, column"
    flow_keys: set[str] = field(default_factory=set)  # YAML keys written as [a, b]

    def error(self, key: str, message: str, source: str) -> NoReturn:
        line = self.key_lines.get(key, self.line)
        fail(f"{self.place.format(line=line)} {key!r}: {message}", source, line)


def _validate(model: type[_Model], record: Record, source: str) -> _Model:
    try:
        return model.model_validate(record.values)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown; the known ones are {', '.join(model.model_fields)}"
        record.error(str(first["loc"][0]) if first["loc"] else "?", message, source)


def build_plan(
    header: Record, records: list[Record], *, source: str, before: BeforeRule
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


def _item_warnings(item: ParsedItem, plan: ParsedPlan, record: Record) -> list[ParseWarning]:
    """As the text parser does: the item is kept and the admin told what needs a look."""
    found, schedule, label = [], item.timeframe, f"item {item.seq}"
    if not item.lead:
        found.append(ParseWarning(item.line, f"{label}: no lead agency ('lead' is empty)"))
    if not schedule.text:
        found.append(ParseWarning(item.line, f"{label}: no timeframe ('timeframe' is empty)"))
    elif schedule.kind == "unknown":
        message = f"{label}: timeframe {schedule.text!r} not read: {schedule.problem}"
        found.append(ParseWarning(item.line, message))
    if late := deadline_warning(
        schedule, label=label, issued_on=plan.issued_on, year=plan.year, line=item.line
    ):
        found.append(late)
    for key in sorted(record.flow_keys.intersection(NAME_FIELDS)):
        for agency in [agency for agency in getattr(item, key) if agency[:1].islower()]:
            message = f"{label}: {key} name {agency!r} starts in lower case; in a [a, b] list "
            message += "a comma splits names, so quote a name that contains a comma"
            found.append(ParseWarning(record.key_lines.get(key, item.line), message))
    return found


def item_mapping(item: ParsedItem, year: int | None, before: BeforeRule) -> dict[str, Any]:
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
