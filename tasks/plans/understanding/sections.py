"""Which section each block sits in ("III. PHÂN CÔNG NHIỆM VỤ"), and whether that section is
context rather than tasks: purpose, goals, funding, "Tổ chức thực hiện" (general duties) and
reporting rules name agencies in sentences that are not the plan's tasks.

Headings are matched with their marks dropped, and a long phrase with one letter wrong: a scan
misreads the marks of bold capitals ("TỔ CHÚC THỰC HIỆN"), and a context section lost so turns
every agency's general duties into tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from dondoc.core.text import without_marks
from tasks.plans.document import Block

_ORGANISING_PHRASES = ("tổ chức thực hiện", "trách nhiệm thực hiện", "tổ chức triển khai")
_CONTEXT_PHRASES = (
    *_ORGANISING_PHRASES,
    *("mục đích", "mục tiêu", "yêu cầu", "căn cứ", "kinh phí", "nguồn kinh phí"),
    *("tổ chức theo dõi", "chế độ báo cáo", "chế độ thông tin", "thực trạng", "đánh giá"),
    *("kết quả", "sự cần thiết", "quan điểm", "phạm vi", "đối tượng", "giải thích"),
    *("điều khoản", "hiệu lực", "kiến nghị", "đề xuất, kiến nghị"),
)
_PLAN = without_marks(" kế hoạch")
# a phrase this long (without marks) still matches with one letter wrong; shorter ones
# ("kết quả", "mục tiêu") are too near other words
_SLACK_FROM = 12


def _key(text: str) -> str:
    return " ".join(without_marks(text).split())


def _alternatives(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(_key(phrase)) for phrase in phrases)


_ORGANISING_KEYS = tuple(_key(phrase) for phrase in _ORGANISING_PHRASES)
_CONTEXT_KEYS = tuple(_key(phrase) for phrase in _CONTEXT_PHRASES)
_ORGANISING = re.compile(rf"^(?:{_alternatives(_ORGANISING_PHRASES)})(?:{_PLAN})?\.?$")
_CONTEXT = re.compile(rf"^(?:{_alternatives(_CONTEXT_PHRASES)})")


@dataclass(frozen=True)
class Section:
    marker: str | None
    title: str
    organising: bool


def names_organising(title: str) -> bool:
    """ "Tổ chức thực hiện (kế hoạch)" and its kin: the title of the general duties section."""
    key = _key(title)
    if _ORGANISING.match(key):
        return True
    key = key.rstrip(".")
    return any(_near(key, phrase) or _near(key, phrase + _PLAN) for phrase in _ORGANISING_KEYS)


def names_context(title: str) -> bool:
    """A title that opens a section of context, not tasks (purpose, funding, reporting …)."""
    key = _key(title)
    if _CONTEXT.match(key):
        return True
    words = key.split()
    return names_organising(title) or any(
        _near(" ".join(words[: phrase.count(" ") + 1]), phrase) for phrase in _CONTEXT_KEYS
    )


def _near(key: str, phrase: str) -> bool:
    """`key` is `phrase` but for one letter, and the phrase is long enough to tell."""
    return len(phrase) >= _SLACK_FROM and Levenshtein.distance(key, phrase, score_cutoff=1) <= 1


def sections_of(blocks: list[Block]) -> list[Section]:
    """The section of every block (by index): set by headings with a section numeral, and by
    headings in capitals."""
    current = Section(None, "", False)
    out: list[Section] = []
    for block in blocks:
        numbered_organising = block.style == "number" and names_organising(block.text)
        if (block.kind == "heading" and block.text) or numbered_organising:
            marker = block.marker if block.style == "roman" else current.marker
            current = Section(marker, block.text, names_context(block.text))
        out.append(current)
    return out
