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
    "xã",
    "phường",
    "huyện",
    "bộ",
    "hội",
    "đoàn",
    "trường",
    "ủy",
    "ubnd",
    "tỉnh",
    "cấp",
    "đài",
}
_GROUP_PAIRS = {"cơ quan", "đơn vị", "tổ chức", "địa phương", "doanh nghiệp", "thành phố"}
_TWO_WORD_HEADS = {
    "trung tâm",
    "văn phòng",
    "công an",
    "ủy ban",
    "uỷ ban",
    "chi cục",
    "tổng cục",
    "kho bạc",
    "bệnh viện",
    "liên đoàn",
    "mặt trận",
    "chi nhánh",
    "ngân hàng",
    "bưu điện",
    "tòa án",
    "toà án",
    "thanh tra",
    "viện kiểm",
    "hạt kiểm",
    "ban chỉ",
    "bộ chỉ",
    "đài phát",
    "đài truyền",
    "liên hiệp",
    "hiệp hội",
    "ban quản",
    "trường đại",
    "trường cao",
}
_ROLE_HOLDER = re.compile(
    r"^(?:Trưởng|Phó Trưởng|Giám đốc|Phó Giám đốc|Chủ tịch|Phó Chủ tịch|Đồng chí|Bí thư"
    r"|Phó Bí thư|Thủ trưởng|Chánh Văn phòng|Chánh Thanh tra|Tổ trưởng|Trưởng phòng)\s+\S"
)
_OPEN_HEADS = {"công", "ubnd", "ủy", "uỷ", "văn", "thanh", "kho", "bộ", "ban", "mặt"}
_NOT_NAME = re.compile(r"(?i)\b(?:với|nhằm|để|về việc|của|trong|đối với|lĩnh vực)\b|[.;!?]")


def names_an_agency(text: str) -> bool:
    """The whole text is an agency or group name, not a sentence that opens with one:
    "Phòng Nội vụ", "Công an tỉnh", "Các sở, ban, ngành" — not "Phòng ngừa bạo lực" or "Các
    hoạt động chính"."""
    if FIRST_VERB.search(text) or _NOT_NAME.search(text):
        return False
    if _ROLE_HOLDER.match(text):
        return True  # "Trưởng Ban Chỉ đạo", "Đồng chí Phó Chủ tịch …": a person owes the task
    if not starts_like_agency(text):
        return False
    words = text.split()
    if words[0].casefold() == "các":
        pair = " ".join(word.strip(",") for word in words[1:3]).casefold()
        single = len(words) > 1 and words[1].strip(",").casefold() in _GROUP_NOUNS
        return single or pair in _GROUP_PAIRS
    after = 2 if " ".join(words[:2]).casefold() in _TWO_WORD_HEADS else 1
    named = next((word for word in words[after:] if word[:1].isalpha()), "")
    return named[:1].isupper() or words[0].casefold() in _OPEN_HEADS


_PLACE = re.compile(r"(?i)^\s*(?:xã|phường|thị trấn|thôn|bản|huyện|tỉnh|thành phố|đặc khu)\s")
_AGENCY_LABEL = re.compile(r"^(?P<who>[^:;.()]{3,90}?)\s*:\s*(?P<task>\S.{9,})$", re.S)
# "Bộ Chỉ huy quân sự tỉnh chỉ đạo lực lượng Biên phòng: chủ trì …": the agency that directs
# its own force owes the task
_DIRECTS = re.compile(r"(?i)^(?P<who>\S.*?)\s+chỉ đạo\s+\S")
_DUTIES_OF = re.compile(r"(?i)^(?:trách nhiệm|nhiệm vụ)\s+của\s+(?P<who>\S.{2,80}?)\s*:?$")


def agency_label(text: str) -> tuple[str, str] | None:
    """A task written after its agency and a colon: "Sở Xây dựng: hướng dẫn …" → (agency, task)."""
    found = _AGENCY_LABEL.match(text)
    if found and _PLACE.match(found["who"]):
        return None  # "Xã Tân Tiến: lấy mẫu 01 vị trí …" lists places, not agencies
    if found is None:
        return None
    who = found["who"].strip()
    if not names_an_agency(who) and (directs := _DIRECTS.match(who)):
        who = directs["who"]
    if names_an_agency(who):
        return who, found["task"].strip()
    return None


def duties_of(heading: str) -> str | None:
    """Whose duties a heading lists: "Trách nhiệm của đối tượng thực hiện kiểm kê:"."""
    found = _DUTIES_OF.match(heading.strip())
    return found["who"].strip() if found and len(found["who"].split()) <= 12 else None
