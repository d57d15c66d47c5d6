"""Which agency a plan tells to monitor its implementation: to urge the others ("đôn đốc"), to
follow and compile their results ("theo dõi, tổng hợp"), or to receive their reports "để tổng
hợp". Plans say so in many ways, mostly under "Tổ chức thực hiện": "Giao Sở Nội vụ theo dõi,
đôn đốc", "Phòng Nội vụ: Chủ trì, theo dõi…", "Sở X là cơ quan thường trực, có trách nhiệm theo
dõi, tổng hợp", an agency heading ("1. Sở Khoa học và Công nghệ") over bullets that say so, a
role holder ("Bộ trưởng Bộ Công an" → "Bộ Công an"), or "báo cáo kết quả về Sở Y để tổng hợp".

Each clause that says so is a candidate: urging, or following together with compiling or
checking, ranks above following or compiling alone, which ranks above being where reports go;
a clause about the plan itself ("… thực hiện Kế hoạch") ranks above one about a part of it.
The best candidate under "Tổ chức thực hiện" wins, else the best elsewhere; ties go to the
first. Item lines are skipped: an item's own content is a task, not the plan's assignment."""

from __future__ import annotations

import re

from dondoc.core.text import clean_name, without_marks
from tasks.plans.agency_names import split_agencies, starts_like_agency
from tasks.plans.document import read_marker
from tasks.plans.understanding.sections import names_organising

# Words that end a clause's subject: its verb. Lowercase only, as names capitalise their words
# ("Sở Xây dựng", "Ủy ban Kiểm tra"); "giám sát" and "phụ trách" are left out as they occur in
# role holders' titles ("Cán bộ phụ trách lĩnh vực giám sát …").
_VERB = re.compile(
    r"(?<!\w)(?:có trách nhiệm|chịu trách nhiệm|chủ trì|là|làm|tham mưu|phối hợp|theo dõi"
    r"|đôn đốc|tổng hợp|trực tiếp|chỉ đạo|hướng dẫn|thực hiện|triển khai|xây dựng|tổ chức"
    r"|kiểm tra|giúp|báo cáo|có nhiệm vụ|thường xuyên|định kỳ|khẩn trương|chủ động|căn cứ"
    r"|được giao|tiếp tục|ban hành|gửi|điều phối)(?!\w)"
)
# An opening phrase before the subject: "Kết thúc cuộc bầu cử, Ban X chịu trách nhiệm …".
_OPENING = re.compile(
    r"^(?:Kết thúc|Sau khi|Sau|Trong|Khi|Hằng năm|Hàng năm|Định kỳ|Trước|Trên cơ sở|Ngoài ra)\b"
)
_ASSIGNING = re.compile(r"^(?:Giao|Đề nghị|Yêu cầu)\s+")
_ASSIGNED = re.compile(r"\s(?:giao|đề nghị|yêu cầu)\s+")
_LABEL = re.compile(r"^(?P<name>[^:;.]{3,150}?)\s*:\s")
_PERSON = re.compile(
    r"(?i)^(?:đồng chí|cán bộ|chuyên viên|công chức|lãnh đạo|(?:phó\s+|tổng\s+)?giám đốc"
    r"|(?:phó\s+)?chủ tịch|chủ nhiệm|chánh|\w+\s+trưởng|trưởng|tổ(?!\s+chức)|tiểu ban"
    r"|ủy ban|uỷ ban|hội đồng)\s+\S"
)
# "Bộ trưởng Bộ Công an" is the ministry's head: the ministry is the agency.
_ROLE = re.compile(
    r"^(?:Phó\s+)?(?:Bộ trưởng|Thủ trưởng|Giám đốc|Chủ tịch|Trưởng ban|Trưởng phòng|Cục trưởng"
    r"|Vụ trưởng|Viện trưởng|Hiệu trưởng|Chủ nhiệm|Tổng Giám đốc|Chánh)\s+"
)
_APPOSITION = re.compile(r"(?:\(.*|\s[-–]\s+(?i:cơ quan)\b.*)$", re.S)
_RESPONSIBILITY_OF = re.compile(r"(?i)^trách nhiệm\s+(?:của|đối với)\s+")
_TCTH = re.compile(without_marks("tổ chức thực hiện"))  # marks dropped: a scan misreads them

_URGES = re.compile(r"(?i)đôn đốc")
_FOLLOWS = re.compile(
    r"(?i)theo dõi,?\s+(?:\S+\s+){0,3}?(?:việc|tình hình|tiến độ|kết quả|thực hiện|triển khai)"
)
_CHECKS = re.compile(r"(?i)tổng hợp|kiểm tra|giám sát|đánh giá")
_COMPILES = re.compile(
    r"(?i)tổng hợp,?\s+(?:báo cáo|kết quả|tình hình|tiến độ)"
    r"|đánh giá\s+(?:việc\s+|tình hình\s+|kết quả\s+)*(?:triển khai|thực hiện)"
)
_TIME_AFTER_NAME = re.compile(r"\s(?:trước|chậm nhất|trong|vào|hằng|hàng|định kỳ|sau|khi)\s")
_FOR_COMPILING = re.compile(r"(?i)\bđể\s+tổng hợp")
_PLAN = re.compile(
    r"\b(?:Kế hoạch|Đề án|Nghị quyết|Chương trình|Quyết định)\b"
    r"|(?i:\bkế hoạch\s+này|(?:thực hiện|triển khai)\s+kế hoạch\b)"
)
# Where reports go to be compiled: "báo cáo … về Sở Y (,) để tổng hợp", "gửi Bộ X tổng hợp",
# "(thông qua Sở Nội vụ để tổng hợp)", "báo cáo UBND tỉnh (qua Sở Công Thương)".
_DESTINATION = re.compile(
    r"(?i)(?:\bvề|\bgửi|\bđến|\bqua)\s++(?P<name>(?:(?!\b(?:về|gửi|đến|qua)\s)[^();]){3,150}?)"
    r"\s*+,?\s*+(?:để\s+)?tổng hợp"
    r"|\((?:thông\s+)?qua\s+(?P<channel>[^()]{3,150})\)"
)
# What a clause needs to be a candidate at all: the words every _tier or _DESTINATION needs.
_MAY_MONITOR = re.compile(r"(?i)đôn đốc|theo dõi|tổng hợp|đánh giá|\((?:thông\s+)?qua\s")

Candidate = tuple[int, int, str]  # (score, line index, agency)


def find_monitoring_agency(lines: list[str], claimed: set[int]) -> str | None:
    """The agency told to monitor the plan, as written; None when no agency is told to."""
    section = next(
        (i for i, line in enumerate(lines) if line and _is_tcth_heading(line)), len(lines)
    )
    inside: Candidate | None = None
    outside: Candidate | None = None
    heading_subject: str | None = None
    for index, line in enumerate(lines):
        text = line.strip()
        marker = read_marker(text)
        if marker and marker.style == "roman" and marker.rest:
            heading_subject = None
            continue
        skipped = index in claimed and index < section
        heading = marker if marker and marker.style == "number" and marker.rest else None
        if heading:
            heading_subject = None if skipped else _heading_subject(heading.rest)
        if skipped or not text or text.startswith(("Căn cứ", "Nơi nhận")):
            continue
        if not _MAY_MONITOR.search(text):
            continue  # no candidate can come of it (see _tier and _destinations)
        default = None if heading else heading_subject
        for candidate in _candidates(text, default, index):
            if index >= section:
                inside = _better(inside, candidate)
            else:
                outside = _better(outside, candidate)
    best = inside or outside
    return best[2] if best else None


def _better(best: Candidate | None, candidate: Candidate) -> Candidate:
    return candidate if best is None or candidate[0] > best[0] else best


def _is_tcth_heading(line: str) -> bool:
    text = line.strip()
    marker = read_marker(text)
    marked = marker if marker and marker.style in {"roman", "number"} else None
    body = marked.rest if marked else text
    if len(body.split()) > 8 or not (marked or body.isupper()):
        return False
    return bool(_TCTH.search(without_marks(body))) or names_organising(body)


def _candidates(text: str, default: str | None, index: int) -> list[Candidate]:
    marker = read_marker(text)
    if marker and marker.style not in {"roman"}:
        text = marker.rest  # the line's own words, without its number or bullet
    subject = default
    found: list[Candidate] = []
    for sentence in _sentences(text):
        subject = _subject(sentence) or subject
        for clause in sentence.split(";"):
            own = _subject(clause)
            found.extend(_destinations(clause, index))
            tier = _tier(clause, own is not None)
            # the name is worked out only for a clause that monitors: doing it for every clause
            # took 9 s on a document of 100,000 short clauses (fuzz seed 1, document 1240)
            if tier and (agency := _monitor_name(own or subject)):
                score = 2 * tier + (1 if _PLAN.search(clause) else 0)
                found.append((score, index, agency))
    return found


def _sentences(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for stop in re.finditer(r"\.\s+", text):
        if stop.end() < len(text) and text[stop.end()].isupper():
            pieces.append(text[start : stop.start()])
            start = stop.end()
    pieces.append(text[start:])
    return pieces


def _tier(clause: str, has_subject: bool) -> int:
    """3: urges, or follows and compiles/checks; 2: follows, compiles results or evaluates the
    implementation; 0: none of these, or only in support ("Phối hợp với … theo dõi")."""
    text = _FOR_COMPILING.sub("", clause).strip(" ,:-")
    verb = _VERB.search(text)
    rest = text[verb.start() :] if verb and has_subject else text
    if rest.casefold().startswith("phối hợp"):
        return 0
    if _URGES.search(text) or (_FOLLOWS.search(text) and _CHECKS.search(text)):
        return 3
    if _FOLLOWS.search(text) or _COMPILES.search(text):
        return 2
    return 0


def _destinations(clause: str, index: int) -> list[Candidate]:
    found: list[Candidate] = []
    for match in _DESTINATION.finditer(clause):
        names = split_agencies(_before_verb(match["name"] or match["channel"]))
        agency = _monitor_name(names[0]) if names else None
        if agency and starts_like_agency(agency):
            found.append((2, index, agency))
    return found


def _before_verb(text: str) -> str:
    """A destination's name without what follows it: a verb or a time ("trước ngày 15/12")."""
    stop = _VERB.search(text) or _TIME_AFTER_NAME.search(text)
    return text[: stop.start()] if stop else text


def _subject(text: str) -> str | None:
    """Who the clause is about, when it opens by naming them: "Sở Y tế chủ trì …", "Giao Sở
    Nội vụ theo dõi …", "Phòng Nội vụ: Chủ trì …", "Kết thúc cuộc bầu cử, Ban X chịu …"."""
    text = _ASSIGNING.sub("", text.strip(" -+•*"))
    if (label := _LABEL.match(text)) and _starts_like_subject(label["name"]):
        return _tidy(label["name"])
    starts = [0]
    if _OPENING.match(text):
        starts += [comma.end() for comma in re.finditer(r",\s*", text[:200])]
    for start in starts:
        rest = text[start:]
        verb = _VERB.search(rest)
        name = rest[: verb.start()].strip(" ,") if verb else ""
        name = _ASSIGNED.split(name)[-1]  # "UBND tỉnh giao Sở Y tế chủ trì …"
        if name and len(name.split()) <= 20 and _starts_like_subject(name):
            return _tidy(name)
    return None


def _heading_subject(text: str) -> str | None:
    """The agency a numbered heading is about: "Sở Công Thương:", "Trách nhiệm của Bộ Công an",
    "Cán bộ phụ trách lĩnh vực …", or the subject of a heading sentence."""
    text = _RESPONSIBILITY_OF.sub("", text.strip())
    bare = _APPOSITION.sub("", text).strip(" :")
    if (
        bare
        and not _VERB.search(bare)
        and len(bare.split()) <= 15
        and not re.search(r"[;.]\s", bare)
        and _starts_like_subject(bare)
    ):
        return _tidy(bare)
    return _subject(text)


def _starts_like_subject(text: str) -> bool:
    return starts_like_agency(text) or bool(_PERSON.match(text.strip()))


def _tidy(name: str) -> str:
    return clean_name(_APPOSITION.sub("", name).strip(" ,:;-"))


def _monitor_name(name: str | None) -> str | None:
    """One agency or role holder, the body for a body's head (not for a holder of a portfolio,
    "Phó Chủ tịch UBND xã phụ trách …"); None for a group ("Các sở", "UBND các xã") or a list
    of agencies."""
    if not name:
        return None
    name = _tidy(name)
    body = _ROLE.sub("", name)
    if body != name and starts_like_agency(body) and "phụ trách" not in body:
        name = body
    words = name.casefold().split()
    if not words or "các" in words or "những" in words or len(split_agencies(name)) > 1:
        return None
    return name
