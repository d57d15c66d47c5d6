"""What compiling a plan works with and yields: plain dataclasses shared by the compile steps,
the CLI and the Prefect flow (as tasks.plans.parsed is for parsing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# item_id, agency_id, kind, period_start, period_end, nominal_due, due
DesiredRow = tuple[int, int, str, date, date, date, date]


class CompileError(ValueError):
    """The plan cannot be compiled as it stands; the message says what to do."""


@dataclass(frozen=True)
class ItemSpec:
    """What dating one item needs, free of the ORM (it travels into Prefect tasks)."""

    item_id: int
    seq: str
    key: str
    content: str
    schedule: dict[str, Any]
    lead_agency_ids: tuple[int, ...]


@dataclass(frozen=True)
class CompileInput:
    plan_id: int
    title: str
    period: tuple[date, date]
    items: tuple[ItemSpec, ...]
    warnings: tuple[str, ...] = ()


@dataclass
class ItemChange:
    """What a compile did to one item: `change` is added, removed, edited (an amendment
    reworded it) or kept."""

    seq: str
    content: str
    change: str = "kept"
    added: int = 0
    rescheduled: int = 0
    cancelled: int = 0
    reinstated: int = 0

    @property
    def touched(self) -> bool:
        counts = (self.added, self.rescheduled, self.cancelled, self.reinstated)
        return self.change != "kept" or any(counts)


@dataclass
class CompileResult:
    plan_id: int
    version: int
    period: tuple[date, date]
    counts: dict[str, int]
    items: list[ItemChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    supersedes: int | None = None

    @property
    def changed(self) -> bool:
        return any(self.counts[k] for k in ("added", "rescheduled", "cancelled", "reinstated"))

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "version": self.version,
            "changed": self.changed,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "supersedes": self.supersedes,
            "counts": dict(self.counts),
            "diff": [vars(item) for item in self.items if item.touched],
            "warnings": list(self.warnings),
        }
