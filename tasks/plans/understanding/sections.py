"""Which section each block sits in ("III. PHÂN CÔNG NHIỆM VỤ"), and whether that section is
the plan's "Tổ chức thực hiện" (general duties, not tasks, when the plan lists its tasks
elsewhere)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dondoc.core.text import normalize_name
from tasks.plans.document import Block

_ORGANISING = re.compile(
    r"^(?:tổ chức thực hiện|trách nhiệm thực hiện|tổ chức triển khai)(?: kế hoạch)?\.?$"
)


@dataclass(frozen=True)
class Section:
    marker: str | None
    title: str
    organising: bool


def sections_of(blocks: list[Block]) -> list[Section]:
    """The section of every block (by index): set by headings with a section numeral, and by
    headings in capitals."""
    current = Section(None, "", False)
    out: list[Section] = []
    for block in blocks:
        title = normalize_name(block.text)
        numbered_organising = block.style == "number" and bool(_ORGANISING.match(title))
        if (block.kind == "heading" and block.text) or numbered_organising:
            marker = block.marker if block.style == "roman" else current.marker
            current = Section(marker, block.text, bool(_ORGANISING.match(title)))
        out.append(current)
    return out
