"""Read a plan (Kế hoạch) from its text: header facts, then the items of a numbered list, a
table, or both in document order. Agencies are split into names and timeframes read into
Schedules; whatever is missing or odd becomes a warning with its line instead of being dropped."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dondoc.core.problems import read_bounded
from dondoc.core.settings import get_settings
from dondoc.core.text import InputEncodingError, decode_bytes, normalize_cells
from tasks.plans.agency_names import split_agencies
from tasks.plans.confidence import judge, row_above_at
from tasks.plans.document import Document, read_text
from tasks.plans.header import PlanHeader, find_monitoring_agency, read_header
from tasks.plans.parsed import (
    Evidence,
    ParsedItem,
    ParsedPlan,
    ParseWarning,
    PlanParseError,
    PlanWithoutTasks,
    Schedule,
    deadline_warning,
    header_values,
)
from tasks.plans.timeframes import BeforeRule, parse_timeframe
from tasks.plans.understanding import RawItem, Reading, refusal, understand

LOOKED_FOR = (
    "tasks that name a lead agency: rows of a table with a 'chủ trì' column, tasks labelled "
    "'Cơ quan chủ trì:', sentences 'X chủ trì …', or agency headings outside 'Tổ chức thực hiện'"
)


def normalize_plan_text(text: str) -> str:
    """normalize_text line by line and cell by cell: tabs separate table cells in Word copies,
    so they are kept, trailing ones too (an empty last cell); normalize_text alone would turn
    them into spaces."""
    return normalize_cells(text)


def read_plan_file(
    path: Path, *, known_names: Iterable[str] = (), before: BeforeRule = "on"
) -> tuple[ParsedPlan, str]:
    """The parsed plan and its normalised text (what the importer hashes and stores)."""
    try:
        raw = read_bounded(Path(path), PlanParseError)
    except OSError as error:
        message = f"cannot open the file: {error.strerror}"
        raise PlanParseError.one(str(path), message) from error
    return read_plan_bytes(raw, str(path), known_names=known_names, before=before)


def read_plan_bytes(
    raw: bytes, source: str, *, known_names: Iterable[str] = (), before: BeforeRule = "on"
) -> tuple[ParsedPlan, str]:
    """read_plan_file of a plan text's bytes already read (an upload, the inbox)."""
    try:
        decoded = decode_bytes(raw)
    except InputEncodingError as error:
        raise PlanParseError.one(source, f"cannot read the file: {error}") from error
    check_plan_size(decoded.text, source)
    text = normalize_plan_text(decoded.text)
    plan = _parse_normalized(text, source, known_names, before)
    if decoded.notice:
        plan.warnings.insert(0, ParseWarning(0, decoded.notice))
    return plan, text


def check_plan_size(text: str, source: str) -> None:
    """Refuse a text over DONDOC_MAX_PLAN_CHARS or DONDOC_MAX_PLAN_LINES before reading it: the
    reader's time grows with both, and a file ten times the longest real plan is not a plan to
    read line by line but a mistake (or an attack) to name at once."""
    settings = get_settings()
    if len(text) > settings.max_plan_chars:
        limit = f"{settings.max_plan_chars:,}-character limit (DONDOC_MAX_PLAN_CHARS)"
        raise PlanParseError.one(source, f"{len(text):,} characters, over the {limit}")
    breaks = text.count("\n") - text.count("\r\n") + text.count("\r")
    lines = breaks + (not text.endswith(("\n", "\r")))  # a last line break ends a line
    if lines > settings.max_plan_lines:
        limit = f"{settings.max_plan_lines:,}-line limit (DONDOC_MAX_PLAN_LINES)"
        raise PlanParseError.one(source, f"{lines:,} lines, over the {limit}")


def parse_plan_text(
    text: str,
    *,
    source: str = "",
    known_names: Iterable[str] = (),
    before: BeforeRule = "on",
) -> ParsedPlan:
    """Parse one plan; raises PlanParseError when the text holds no plan item at all."""
    check_plan_size(text, source)
    return _parse_normalized(normalize_plan_text(text), source, known_names, before)


def _parse_normalized(
    text: str, source: str, known_names: Iterable[str], before: BeforeRule
) -> ParsedPlan:
    """parse_plan_text of a text already checked and normalised (read_plan_file has done
    both, and keeps the normalised text to store)."""
    return parse_document(read_text(text, source), known_names, before)


def parse_document(
    document: Document, known_names: Iterable[str] = (), before: BeforeRule = "on"
) -> ParsedPlan:
    """The plan in a Document, whichever reader made it (text, Word, PDF, OCR, HTML)."""
    source = document.source
    reading = understand(document)
    lines = document.lines_view()
    body_start = _body_start(document)
    header = read_header(document.head_view(body_start + 1) + lines[body_start:], body_start)
    if why := refusal(document, header.number):
        message = f"not a plan: {why}; dondoc imports plans (Kế hoạch, or a decision issuing one)"
        raise PlanParseError.one(source, message)
    if not reading.items:
        raise _without_tasks(source, header, reading, find_monitoring_agency(lines, set()))
    known = list(known_names)
    warnings = [*header.warnings, *reading.warnings]
    items = [
        _interpret(raw, header, known, before, warnings, document.confidence)
        for raw in reading.items
    ]
    claimed = {
        line - 1
        for index in reading.used
        for line in range(document.blocks[index].line, document.blocks[index].end + 1)
    }
    plan = ParsedPlan(
        **header_values(header),
        monitoring_agency=find_monitoring_agency(lines, claimed),
        layout="table" if reading.tables_seen else "list",
        items=items,
        warnings=sorted(warnings, key=lambda warning: warning.line),
    )
    return plan


def _without_tasks(
    source: str, header: PlanHeader, reading: Reading, monitoring_agency: str | None
) -> PlanWithoutTasks:
    """The refusal of a plan with no task naming a lead, saying what was found instead."""
    found = []
    if header.number or header.issued_on:
        found.append(
            f"a plan header ({header.number or 'no number'}, {header.issued_on or 'no date'})"
        )
    if reading.tables_seen:
        found.append(
            f"a task table heading at line {reading.tables_seen[0]} but no numbered rows under "
            "it with a lead agency"
        )
    if reading.labels_seen:
        found.append(
            f"{len(reading.labels_seen)} task label lines (first at line "
            f"{reading.labels_seen[0]}) but none names a lead agency"
        )
    if reading.context_items:
        found.append(
            f"{reading.context_items} duties of agencies in 'Tổ chức thực hiện' or other context "
            "sections, which are not tasks"
        )
    message = f"no plan items: looked for {LOOKED_FOR}; found {'; '.join(found) or 'neither'}"
    error = PlanWithoutTasks.one(source, message)
    error.partial = ParsedPlan(
        **header_values(header),
        monitoring_agency=monitoring_agency,
        layout="list",
        warnings=header.warnings,
    )
    return error


def _body_start(document: Document) -> int:
    """0-based line of the first section heading or numbered item: the header ends there."""
    for block in document.blocks:
        if block.style in {"roman", "number"}:
            return block.line - 1
    return document.line_count


def _least_sure(ocr: dict[int, float], *lines: int) -> float | None:
    """OCR's confidence in the least sure of an item's lines; None when none was scanned."""
    known = [ocr[line] for line in lines if line in ocr]
    return min(known) if known else None


def _interpret(
    raw: RawItem,
    header: PlanHeader,
    known: list[str],
    before: BeforeRule,
    warnings: list[ParseWarning],
    ocr: dict[int, float],
) -> ParsedItem:
    label = f"item {raw.seq}"
    lead = [name for value in raw.lead for name in split_agencies(value, known)]
    coordinating = [name for value in raw.coordinating for name in split_agencies(value, known)]
    if not lead:
        warnings.append(ParseWarning(raw.line, f"{label}: no lead agency ('Cơ quan chủ trì')"))
    if raw.timeframe:
        schedule = parse_timeframe(raw.timeframe, year=header.year, before=before)
    else:
        schedule = Schedule(text="", kind="once", problem="no timeframe given")
        warnings.append(ParseWarning(raw.line, f"{label}: no timeframe ('Thời gian thực hiện')"))
    line = raw.timeframe_line or raw.line
    if raw.timeframe and schedule.problem:
        warnings.append(
            ParseWarning(line, f"{label}: timeframe {schedule.text!r} not read: {schedule.problem}")
        )
    if late := deadline_warning(
        schedule, label=label, issued_on=header.issued_on, year=header.year, line=line
    ):
        warnings.append(late)
    evidence = Evidence(
        line=raw.line,
        timeframe_line=raw.timeframe_line if raw.timeframe else 0,
        how=raw.how,
        from_row_above=raw.how == "table" and row_above_at(raw.line, warnings),
        ocr_confidence=_least_sure(ocr, raw.line, raw.timeframe_line),
    )
    return ParsedItem(
        seq=raw.seq,
        content=raw.content.strip().rstrip(" ;,"),
        lead=lead,
        coordinating=coordinating,
        timeframe=schedule,
        section=raw.section,
        details="\n".join(raw.details) or None,
        line=raw.line,
        evidence=evidence,
        confidence=judge(lead, coordinating, schedule, evidence, known),
    )
