"""Which section each block sits in ("III. PHÂN CÔNG NHIỆM VỤ"), and whether that section is
context rather than tasks: purpose, goals, funding, "Tổ chức thực hiện" (general duties) and
reporting rules name agencies in sentences that are not the plan's tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.plans.document import Block
from tasks.plans.understanding.vocabulary import fold

_ORGANISING = re.compile(
    r"^(?:tổ chức thực hiện|trách nhiệm thực hiện|tổ chức triển khai)(?: kế hoạch)?\.?$"
)
_CONTEXT = re.compile(
    r"^(?:mục đích|mục tiêu|yêu cầu|căn cứ|kinh phí|nguồn kinh phí|tổ chức thực hiện"
    r"|tổ chức theo dõi|trách nhiệm thực hiện|tổ chức triển khai|chế độ báo cáo"
    r"|chế độ thông tin|thực trạng|đánh giá|kết quả|sự cần thiết|quan điểm|phạm vi"
    r"|đối tượng|giải thích|điều khoản|hiệu lực|kiến nghị|đề xuất, kiến nghị)"
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
        title = fold(block.text)
        numbered_organising = block.style == "number" and bool(_ORGANISING.match(title))
        if (block.kind == "heading" and block.text) or numbered_organising:
            marker = block.marker if block.style == "roman" else current.marker
            context = bool(_ORGANISING.match(title) or _CONTEXT.match(title))
            current = Section(marker, block.text, context)
        out.append(current)
    return out
