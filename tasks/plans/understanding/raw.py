"""An item as the document states it, before agencies are split and timeframes read (that
needs the plan's year, known only once the whole document is read)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.plans.parsed import ParseWarning


@dataclass
class RawItem:
    """One plan item; `line` and `timeframe_line` are 1-based source lines, `how` names the
    structure it was read from (table, labels, prose, agency block) for the evidence."""

    seq: str
    content: str
    line: int
    section: str | None
    how: str = "labels"
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    timeframe: str | None = None
    timeframe_line: int = 0
    details: list[str] = field(default_factory=list)


@dataclass
class Reading:
    """What one understanding pass found: items, warnings, and the blocks it used."""

    items: list[RawItem] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # indexes of blocks consumed by items
    tables_seen: list[int] = field(default_factory=list)  # 1-based lines of task tables
    labels_seen: list[int] = field(default_factory=list)  # 1-based lines of task labels
    context_items: int = 0  # agency paragraphs in context sections ("Tổ chức thực hiện")
