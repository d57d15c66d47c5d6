"""What parsing a plan yields: plain dataclasses shared by the text parser, the structured
formats (YAML/CSV/XLSX) and the importer, so every entry point produces the same shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from dondoc.core.problems import InputFileError

ScheduleKind = Literal[
    "once", "weekly", "monthly", "quarterly", "semiannual", "yearly", "ongoing", "unknown"
]
SCHEDULE_KINDS: tuple[str, ...] = (
    "once",
    "weekly",
    "monthly",
    "quarterly",
    "semiannual",
    "yearly",
    "ongoing",
    "unknown",
)


@dataclass(frozen=True)
class Schedule:
    """A timeframe as written plus the rule read from it.

    `due` is the single deadline of a one-off; recurring kinds carry their anchor instead
    (`day` of the month, `month` of the year or of the quarter (1–3), `weekday` 0=Monday).
    `start`/`until` bound the series or the window ("Quý II/2024" starts 1/4, due 30/6).
    `problem` says why the item cannot be scheduled: the text could not be read (kind
    "unknown"), or it names no date (kind "once" without `due`: "Khi có phát sinh").
    """

    text: str
    kind: ScheduleKind
    due: date | None = None
    start: date | None = None
    until: date | None = None
    day: int | None = None
    month: int | None = None
    weekday: int | None = None
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "kind": self.kind, "due": _iso(self.due)}
        for name in ("start", "until"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value.isoformat()
        for name in ("day", "month", "weekday", "problem"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Schedule:
        return cls(
            text=data.get("text", ""),
            kind=data.get("kind", "unknown"),
            due=_date(data.get("due")),
            start=_date(data.get("start")),
            until=_date(data.get("until")),
            day=data.get("day"),
            month=data.get("month"),
            weekday=data.get("weekday"),
            problem=data.get("problem"),
        )


@dataclass(frozen=True)
class ParseWarning:
    line: int
    message: str


# The fields of an item the parser may be unsure of; each has a Confidence.
CONFIDENCE_FIELDS = ("lead", "coordinating", "timeframe")


@dataclass(frozen=True)
class Evidence:
    """Where an item was read, so an admin can find it in the document: its source line, its
    timeframe's line (0: none), how it was read ("table", "labels", "prose", "agency block")
    and whether its table row lacked cells that were taken from the row above; for a scan,
    how sure OCR was of the item's least sure line (0–100)."""

    line: int
    timeframe_line: int
    how: str
    from_row_above: bool = False
    ocr_confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "line": self.line,
            "timeframe_line": self.timeframe_line,
            "how": self.how,
        }
        if self.from_row_above:
            out["from_row_above"] = True
        if self.ocr_confidence is not None:
            out["ocr_confidence"] = round(self.ocr_confidence, 1)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Evidence | None:
        if not data:
            return None
        return cls(
            line=data.get("line", 0),
            timeframe_line=data.get("timeframe_line", 0),
            how=data.get("how", ""),
            from_row_above=bool(data.get("from_row_above")),
            ocr_confidence=data.get("ocr_confidence"),
        )


@dataclass(frozen=True)
class Confidence:
    """How sure the parser is of one field: "high", or "low" with the reason to check it."""

    level: Literal["high", "low"]
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class ParsedItem:
    seq: str
    content: str
    lead: list[str]
    coordinating: list[str]
    timeframe: Schedule
    section: str | None = None
    details: str | None = None
    line: int = 0
    evidence: Evidence | None = None  # None for items read from YAML/CSV/XLSX
    confidence: dict[str, Confidence] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seq": self.seq,
            "content": self.content,
            "lead": list(self.lead),
            "coordinating": list(self.coordinating),
            "timeframe": self.timeframe.to_json(),
        }
        if self.section:
            out["section"] = self.section
        if self.details:
            out["details"] = self.details
        out["line"] = self.line
        out["evidence"] = self.evidence.to_json() if self.evidence else None
        out["confidence"] = {name: mark.to_json() for name, mark in self.confidence.items()}
        return out


# The header facts a read header, a parsed plan and a stored plan all carry, under one name.
HEADER_FIELDS = ("title", "number", "issuer", "issued_on", "year")


def header_values(source: object) -> dict[str, Any]:
    """`source`'s header facts by name: how each step hands the header to the next."""
    return {name: getattr(source, name) for name in HEADER_FIELDS}


@dataclass
class ParsedPlan:
    title: str
    number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    year: int | None = None
    monitoring_agency: str | None = None
    layout: str = "list"
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "issuer": self.issuer,
            "issued_on": _iso(self.issued_on),
            "year": self.year,
            "monitoring_agency": self.monitoring_agency,
            "layout": self.layout,
            "items": [item.to_json() for item in self.items],
            "warnings": [asdict(w) for w in self.warnings],
        }


def deadline_warning(
    schedule: Schedule, *, label: str, issued_on: date | None, year: int | None, line: int
) -> ParseWarning | None:
    """A deadline before the plan exists is a drafting error (a date copied from last year's
    plan); it is kept as written and flagged so someone fixes it before reminders go out. An
    undated plan counts from 1 January of its year; with no year either there is nothing to say.
    Shared by the text parser and the structured formats so both word it the same."""
    reference = issued_on or (date(year, 1, 1) if year else None)
    if schedule.due is None or reference is None or schedule.due >= reference:
        return None
    blank = "" if issued_on else " (the plan's day and month are blank)"
    message = f"{label}: deadline {schedule.due.isoformat()} is before the plan's date "
    return ParseWarning(line, f"{message}{reference.isoformat()}{blank}: {schedule.text!r}")


class PlanParseError(InputFileError):
    """The input is not a plan we can read; the message says where and what was looked for."""


class PlanWithoutTasks(PlanParseError):
    """A plan document in which no task names a lead agency. `partial` is what was read (its
    header facts and warnings, no items), which `plan parse --json` prints before failing."""

    partial: ParsedPlan | None = None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
