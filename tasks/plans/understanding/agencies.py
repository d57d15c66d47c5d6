"""Whether a piece of text is an agency's name and nothing more: agency headings ("1. Công an
tỉnh") and the subjects of sentences are accepted only then."""

from __future__ import annotations

import re
from typing import NamedTuple

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
# heads whose names go on in lower case: "Viện kiểm sát nhân dân tỉnh", "Tòa án nhân dân tỉnh"
_OPEN_TWO_WORD_HEADS = {"viện kiểm", "tòa án", "toà án"}
# those a plan addresses as a list of kinds: "Doanh nghiệp, tổ chức, cá nhân: …"
_ADDRESSEES = {
    "doanh nghiệp",
    "cộng đồng",
    "tổ chức",
    "cá nhân",
    "cơ quan",
    "đơn vị",
    "hộ gia đình",
}
_NOT_NAME = re.compile(r"(?i)\b(?:với|nhằm|để|về việc|của|trong|đối với|lĩnh vực)\b|[.;!?]")


def names_an_agency(text: str) -> bool:
    """The whole text is an agency or group name, not a sentence that opens with one:
    "Phòng Nội vụ", "Công an tỉnh", "Các sở, ban, ngành" — not "Phòng ngừa bạo lực" or "Các
    hoạt động chính"."""
    if _lists_addressees(text):
        return True  # before the verbs: "tổ chức" is one of the kinds, not the verb
    if FIRST_VERB.search(text) or _NOT_NAME.search(text):
        return False
    if _ROLE_HOLDER.match(text):
        return True  # "Trưởng Ban Chỉ đạo", "Đồng chí Phó Chủ tịch …": a person owes the task
    words = text.split()
    if _lists_groups(words):
        return True
    if not starts_like_agency(text):
        return False
    if words[0].casefold() == "các":
        pair = " ".join(word.strip(",") for word in words[1:3]).casefold()
        single = len(words) > 1 and words[1].strip(",").casefold() in _GROUP_NOUNS
        return single or pair in _GROUP_PAIRS
    head = " ".join(words[:2]).casefold()
    after = 2 if head in _TWO_WORD_HEADS else 1
    # "Báo và Phát thanh, Truyền hình …": a name joined by "và" goes on after it
    named = next((word for word in words[after:] if word[:1].isalpha() and word != "và"), "")
    return named[:1].isupper() or words[0].casefold() in _OPEN_HEADS or head in _OPEN_TWO_WORD_HEADS


def _lists_groups(words: list[str]) -> bool:
    """ "Sở, ban, ngành liên quan": a group of kinds of agency, written without "Các"."""
    kinds = [word.rstrip(",").casefold() for word in words[:2]]
    return (
        len(kinds) == 2
        and words[0].endswith(",")
        and words[0][:1].isupper()
        and all(kind in _GROUP_NOUNS for kind in kinds)
    )


def _lists_addressees(text: str) -> bool:
    """ "Doanh nghiệp, cộng đồng, tổ chức, cá nhân": kinds of addressee listed, nothing else."""
    kinds = [kind.strip().casefold() for kind in re.split(r",|\svà\s", text)]
    return text[:1].isupper() and len(kinds) >= 2 and all(kind in _ADDRESSEES for kind in kinds)


_PLACE = re.compile(r"(?i)^\s*(?:xã|phường|thị trấn|thôn|bản|huyện|tỉnh|thành phố|đặc khu)\s")
# the agency may carry a note in brackets: "Các doanh nghiệp viễn thông (A, B và C): …"
_AGENCY_LABEL = re.compile(
    r"^(?P<who>(?:[^:;.()]|\([^():;]{1,80}\)){3,90}?)\s*:\s*(?P<task>\S.{9,})$", re.S
)
# "13. Đề nghị Ủy ban Mặt trận Tổ quốc …": a request to a body outside the issuer is its task
REQUEST = re.compile(r"(?i)^(?:đề nghị|kiến nghị)\s+")
# "Bộ Chỉ huy quân sự tỉnh chỉ đạo lực lượng Biên phòng: chủ trì …": the agency that directs
# its own force owes the task
_DIRECTS = re.compile(r"(?i)^(?P<who>\S.*?)\s+chỉ đạo\s+\S")
# "Sở Tài chính phối hợp Ban Quản lý Khu kinh tế: hướng dẫn …": the first leads, with partners
_PARTNERED = re.compile(r"(?i)^(?P<who>\S.*?)\s+phối hợp(?:\s+với)?\s+(?P<partners>\S.*)$")
# a note in brackets after the name says who is included, and is no part of the name
# the spaces around the "(…)" aside are taken whole: shared out between the two, a run of
# 10,000 spaces before the colon took 2 s a heading
_DUTIES_OF = re.compile(
    r"(?i)^(?:trách nhiệm|nhiệm vụ)\s+của\s+(?P<who>\S.{2,80}?)\s*+(?:\([^()]{1,200}\))?\s*+:?$"
)


class AgencyTask(NamedTuple):
    """Who owes a task written after a colon, the task, and the partners named before it."""

    who: str
    task: str
    partners: tuple[str, ...] = ()


def agency_label(text: str) -> AgencyTask | None:
    """A task written after its agency and a colon: "Sở Xây dựng: hướng dẫn …" → (agency, task)."""
    found = _AGENCY_LABEL.match(text)
    if found and _PLACE.match(found["who"]):
        return None  # "Xã Tân Tiến: lấy mẫu 01 vị trí …" lists places, not agencies
    if found is None:
        return None
    who, task = REQUEST.sub("", found["who"].strip()), found["task"].strip()
    if names_an_agency(who):
        return AgencyTask(who, task)
    if (directs := _DIRECTS.match(who)) and names_an_agency(directs["who"]):
        return AgencyTask(directs["who"], task)
    if (partnered := _PARTNERED.match(who)) and names_an_agency(partnered["who"]):
        partners = partnered["partners"].strip()
        if names_an_agency(partners) or starts_like_agency(partners):
            return AgencyTask(partnered["who"], task, (partners,))
    return None


def duties_of(heading: str) -> str | None:
    """Whose duties a heading lists: "Trách nhiệm của đối tượng thực hiện kiểm kê:"."""
    found = _DUTIES_OF.match(heading.strip())
    return found["who"].strip() if found and len(found["who"].split()) <= 12 else None
