"""Whether a piece of text is an agency's name and nothing more: agency headings ("1. Công an
tỉnh") and the subjects of sentences are accepted only then."""

from __future__ import annotations

import re

from tasks.plans.agency_names import starts_like_agency
from tasks.plans.understanding.clauses import FIRST_VERB

_GROUP_NOUNS = {
    "sở",
    "ban",
    "ngành",
    "phòng",
    "cơ",
    "đơn",
    "xã",
    "phường",
    "huyện",
    "bộ",
    "địa",
    "tổ",
    "hội",
    "đoàn",
    "doanh",
    "trường",
    "ủy",
    "ubnd",
    "thành",
    "tỉnh",
    "cấp",
    "đài",
}
_OPEN_HEADS = {"công", "ubnd", "ủy", "uỷ", "văn", "thanh", "kho", "bộ", "ban", "mặt"}
_NOT_NAME = re.compile(r"(?i)\b(?:với|nhằm|để|về việc|của|trong|đối với)\b|[.;!?]")


def names_an_agency(text: str) -> bool:
    """The whole text is an agency or group name, not a sentence that opens with one:
    "Phòng Nội vụ", "Công an tỉnh", "Các sở, ban, ngành" — not "Phòng ngừa bạo lực" or "Các
    hoạt động chính"."""
    if not starts_like_agency(text) or FIRST_VERB.search(text) or _NOT_NAME.search(text):
        return False
    words = text.split()
    if words[0].casefold() == "các":
        return len(words) > 1 and words[1].strip(",").casefold() in _GROUP_NOUNS
    named = next((word for word in words[1:] if word[:1].isalpha()), "")
    return named[:1].isupper() or words[0].casefold() in _OPEN_HEADS
