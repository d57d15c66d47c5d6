"""How a stored plan is shown: as JSON for scripts and as Rich tables for people."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

from dondoc.cli.output import Cell, new_table
from dondoc.core.settings import get_settings
from models import Assignment, Plan, PlanItem
from tasks.plans import (
    CHECK,
    ItemDoubts,
    ParsedPlan,
    Schedule,
    check_first,
    doubts,
    item_doubts,
    stored_confidence,
)
from tasks.schedule import DueRule, rule_for


def assignment_json(assignment: Assignment) -> dict[str, Any]:
    return {
        "name": assignment.name_as_written,
        "resolved": assignment.target_name,
        "kind": "group" if assignment.group_id else ("agency" if assignment.agency_id else None),
        "match": assignment.match,
        "score": assignment.score,
    }


def plan_summary_json(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "number": plan.number,
        "title": plan.title,
        "issuer": plan.issuer,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "year": plan.year,
        "status": plan.status,
        "items": len(plan.items),
        "warnings": len(plan.warnings),
    }


def document_json(plan: Plan) -> dict[str, Any] | None:
    """The original file the plan was read from (Word, PDF, scan, web page), if not text."""
    document = plan.source_document
    if document is None:
        return None
    return {
        "filename": document.filename,
        "media_type": document.media_type,
        "size": document.size,
        "sha256": document.sha256,
    }


def plan_detail_json(plan: Plan) -> dict[str, Any]:
    monitoring = plan.monitoring_agency
    return {
        **plan_summary_json(plan),
        "layout": plan.layout,
        "scope": plan.scope_key,
        "period_start": plan.period_start.isoformat() if plan.period_start else None,
        "period_end": plan.period_end.isoformat() if plan.period_end else None,
        "monitoring_agency": monitoring.name if monitoring else None,
        "monitoring_agency_as_written": plan.monitoring_agency_text,
        "approved_by": plan.approved_by,
        "approved_at": plan.approved_at.isoformat() if plan.approved_at else None,
        "source_name": plan.source_name,
        "source_sha256": plan.source_sha256,
        "source_document": document_json(plan),
        "items": [
            {
                "seq": item.seq,
                "section": item.section,
                "content": item.content,
                "details": item.details,
                "lead": [assignment_json(a) for a in item.assignments if a.role == "lead"],
                "coordinating": [
                    assignment_json(a) for a in item.assignments if a.role == "coordinating"
                ],
                "timeframe": item.schedule,
                "rule": rule_json(rule_for_stored(item.schedule)),
                "key": item.key,
                "line": item.source_line,
                "evidence": item.evidence,
                "confidence": {
                    name: mark.to_json() for name, mark in stored_confidence(item).items()
                },
            }
            for item in plan.items
        ],
        "check_first": [
            {
                "seq": found.item.seq,
                "line": found.item.source_line,
                "doubts": [{"field": name, "reason": why} for name, why in found.fields],
            }
            for found in check_first(plan.items)
        ],
        "warnings": list(plan.warnings),
    }


def rule_for_stored(schedule: dict[str, Any]) -> DueRule:
    return rule_for(Schedule.from_json(schedule or {"text": ""}), get_settings().ongoing_checkin)


def rule_json(rule: DueRule) -> dict[str, Any]:
    """The rule compile will apply, as data: what `plan show --json` prints."""
    return {
        "rrule": rule.rrule,
        "once": rule.once.isoformat() if rule.once else None,
        "start": rule.start.isoformat() if rule.start else None,
        "until": rule.until.isoformat() if rule.until else None,
        "checkin": rule.checkin,
        "shift": get_settings().due_shift,
        "problem": rule.problem,
    }


def _names(names: list[str]) -> str | None:
    return "\n".join(names) or None


def _timeframe_cell(schedule: dict[str, Any], with_rule: bool = False) -> Text:
    kind = schedule.get("kind", "unknown")
    cell = Text(f"{schedule.get('text', '')}\n")
    unscheduled = kind == "unknown" or bool(schedule.get("problem"))
    cell.append(kind, style="red" if unscheduled else "cyan")
    if schedule.get("due"):
        cell.append(f" {schedule['due']}")
    if with_rule and kind != "unknown":
        cell.append("\n" + rule_for_stored(schedule).describe(get_settings().due_shift), "dim")
    return cell


def _marked(cell: Cell, reasons: list[str]) -> Cell:
    """The cell with a "⚠ check: …" line per doubt, so the eye finds what to verify."""
    if not reasons:
        return cell
    marked = Text(cell) if isinstance(cell, str) else (cell.copy() if cell else Text())
    for reason in reasons:
        marked.append(f"{chr(10) if marked.plain else ''}{CHECK}{reason}", style="bold yellow")
    return marked


def _items_table(title: str, rows: Iterable[tuple[Cell, ...]]) -> Table:
    columns = ("#", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian")
    return new_table(title, columns, rows, show_lines=True)


def parsed_plan_table(parsed: ParsedPlan) -> Table:
    def reasons(field: str, low: list[tuple[str, str]]) -> list[str]:
        return [why for name, why in low if name == field]

    rows = (
        (
            item.seq,
            item.content,
            _marked(_names(item.lead), reasons("lead", low)),
            _marked(_names(item.coordinating), reasons("coordinating", low)),
            _marked(_timeframe_cell(item.timeframe.to_json()), reasons("timeframe", low)),
        )
        for item, low in ((item, doubts(item.confidence)) for item in parsed.items)
    )
    return _items_table(f"{parsed.number or '(no number)'} — {parsed.title}", rows)


def _assignment_line(a: Assignment) -> Text:
    if a.unresolved:
        return Text(f"{a.name_as_written} (unresolved)", style="red")
    if a.match in ("exact", "alias"):
        return Text(a.target_name or a.name_as_written)
    return Text.assemble(f"{a.target_name} ", (f"({a.match} {a.score or 0:.0f})", "dim"))


def _assignment_cell(assignments: list[Assignment]) -> Text | None:
    return Text("\n").join(map(_assignment_line, assignments)) if assignments else None


def _stored_row(item: PlanItem, found: ItemDoubts) -> tuple[Cell, ...]:
    return (
        item.seq,
        item.content,
        _marked(
            _assignment_cell([a for a in item.assignments if a.role == "lead"]),
            found.reasons("lead"),
        ),
        _marked(
            _assignment_cell([a for a in item.assignments if a.role == "coordinating"]),
            found.reasons("coordinating"),
        ),
        _marked(_timeframe_cell(item.schedule, with_rule=True), found.reasons("timeframe")),
    )


def stored_plan_table(plan: Plan) -> Table:
    rows = (_stored_row(item, item_doubts(item)) for item in plan.items)
    title = f"#{plan.id} {plan.number or '(no number)'} — {plan.title} [{plan.status}]"
    return _items_table(title, rows)


def check_first_table(plan: Plan) -> Table | None:
    """The items with a low-confidence field, before the whole plan: what to verify first
    (and correct through `plan export` / `plan import` of the XLSX)."""
    found = check_first(plan.items)
    if not found:
        return None
    title = f"Check these first: {len(found)} of {len(plan.items)} items"
    rows = (
        (
            doubt.item.seq,
            str(doubt.item.source_line or "—"),
            doubt.item.content,
            Text("\n").join(
                Text(f"{CHECK}{name}: {why}", style="bold yellow") for name, why in doubt.fields
            ),
        )
        for doubt in found
    )
    return new_table(title, ("#", "Dòng", "Nội dung", "Check"), rows, show_lines=True)
