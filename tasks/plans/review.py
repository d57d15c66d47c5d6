"""What an admin should check first in a stored plan: the items whose lead, coordinating
agencies or timeframe the parser was unsure of, judged by tasks.plans.confidence from what
is stored (the evidence kept at import, the names as written, the schedule). A name the
directory resolved exactly or by alias is an agency, whatever its wording."""

from __future__ import annotations

from dataclasses import dataclass

from models import Assignment, PlanItem
from tasks.plans.confidence import doubts, judge
from tasks.plans.parsed import Confidence, Evidence, Schedule

CHECK = "⚠ check: "


@dataclass(frozen=True)
class ItemDoubts:
    """One stored item and its low-confidence fields as (field, reason)."""

    item: PlanItem
    fields: list[tuple[str, str]]

    def reasons(self, field: str) -> list[str]:
        return [reason for name, reason in self.fields if name == field]

    def summary(self) -> str:
        return "; ".join(f"{field}: {reason}" for field, reason in self.fields)


def stored_confidence(item: PlanItem) -> dict[str, Confidence]:
    def names(role: str) -> list[str]:
        return [a.name_as_written for a in item.assignments if a.role == role]

    known = [a.name_as_written for a in item.assignments if _resolved_for_sure(a)]
    schedule = Schedule.from_json(item.schedule or {"text": item.timeframe_text})
    evidence = Evidence.from_json(item.evidence)
    return judge(names("lead"), names("coordinating"), schedule, evidence, known)


def item_doubts(item: PlanItem) -> ItemDoubts:
    return ItemDoubts(item, doubts(stored_confidence(item)))


def check_first(items: list[PlanItem]) -> list[ItemDoubts]:
    """The doubtful items in document order: what the review lists before everything else."""
    return [found for found in map(item_doubts, items) if found.fields]


def _resolved_for_sure(assignment: Assignment) -> bool:
    return not assignment.unresolved and assignment.match in ("exact", "alias")
