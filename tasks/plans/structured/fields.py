"""The fields a structured plan (YAML, CSV, XLSX) carries and their validation, shared by the
YAML and the table formats so all three read and refuse alike.

Unknown fields are errors, not warnings: a misspelt key would otherwise drop data."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, NoReturn

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from dondoc.core.settings import get_settings
from dondoc.core.text import clean_name, normalize_text
from tasks.plans.parsed import PlanParseError

PLAN_FIELDS = ("number", "title", "issuer", "issued_on", "year", "monitoring_agency", "layout")
ITEM_FIELDS = ("seq", "section", "content", "details", "lead", "coordinating", "timeframe", "due")
NAME_FIELDS = ("lead", "coordinating")


def fail(message: str, source: str, line: int | None = None, field: str | None = None) -> NoReturn:
    raise PlanParseError.one(source, message, line=line, field=field)


def check_size(characters: int, source: str) -> None:
    """A plan in any format is held to a plan text's DONDOC_MAX_PLAN_CHARS: a YAML or CSV file
    by its text, a workbook by the text of its cells, each before an item is built (20,000
    items took over a minute to check and store)."""
    limit = get_settings().max_plan_chars
    if characters > limit:
        message = f"{characters:,} characters, over the {limit:,}-character limit"
        fail(message + " of a plan (DONDOC_MAX_PLAN_CHARS)", source)


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


_Text = Annotated[str | None, BeforeValidator(_as_text), Field(default=None)]
_Names = Annotated[list[str], BeforeValidator(_as_names), Field(default_factory=list)]
_Date = Annotated[date | None, BeforeValidator(_as_date), Field(default=None)]
_Year = Annotated[int | None, Field(default=None, ge=1900, le=2100)]
# Every field's type, once: the plan's and the item's models are built from the names above.
_TYPES: dict[str, Any] = {name: _Text for name in (*PLAN_FIELDS, *ITEM_FIELDS)}
_TYPES |= {"issued_on": _Date, "due": _Date, "year": _Year, "lead": _Names, "coordinating": _Names}


def _model(name: str, fields: tuple[str, ...]) -> type[BaseModel]:
    forbid = ConfigDict(extra="forbid")
    return create_model(name, __config__=forbid, **{key: _TYPES[key] for key in fields})


PlanFields = _model("PlanFields", PLAN_FIELDS)
ItemFields = _model("ItemFields", ITEM_FIELDS)


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
        fail(message, source, line, f"{self.place.format(line=line)} {key!r}")

    def validate(self, model: type[BaseModel], source: str) -> Any:
        """The record as `model`, or a PlanParseError at the first bad field's line."""
        try:
            return model.model_validate(self.values)
        except ValidationError as exc:
            first = exc.errors()[0]
            message = first["msg"].removeprefix("Value error, ")
            if first["type"] == "extra_forbidden":
                message = f"unknown; the known ones are {', '.join(model.model_fields)}"
            self.error(str(first["loc"][0]) if first["loc"] else "?", message, source)
