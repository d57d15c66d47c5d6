"""Structured records to a ParsedPlan and back, for every format alike.

The timeframe text is the single source of an item's schedule: it is read again on load, so
editing the text reschedules the item. An optional `due` pins a one-off deadline the text cannot
give ("Trước Hội nghị sơ kết") or overrides the one it gives; the dump writes `due` only where the
text alone would differ."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from tasks.plans.confidence import judge
from tasks.plans.parsed import ParsedItem, ParsedPlan, ParseWarning, Schedule, deadline_warning
from tasks.plans.structured.fields import NAME_FIELDS, ItemFields, PlanFields, Record
from tasks.plans.timeframes import BeforeRule, parse_timeframe


def build_plan(
    header: Record, records: list[Record], *, source: str, before: BeforeRule
) -> ParsedPlan:
    fields = header.validate(PlanFields, source)
    if not fields.title:
        header.error("title", "missing: the plan needs a title", source)
    plan = ParsedPlan(**fields.model_dump() | {"layout": fields.layout or "list"})
    for index, record in enumerate(records, 1):
        values = record.validate(ItemFields, source)
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
        # evidence stays None: the admin wrote each field in its own column
        item.confidence = judge(item.lead, item.coordinating, schedule, None)
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
    elif schedule.problem:
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
