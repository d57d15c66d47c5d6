"""Columns for a loose (PDF) table. The heading's lines are joined into column headings where a
line opens a new heading phrase; a row's lines are split in column order, a column ending where
a line opens a later one: an agency name not following a comma, a time phrase, or a new
capitalised line after an agency or time column (the result, the notes)."""

from __future__ import annotations

import re

from tasks.plans.agency_names import starts_like_agency
from tasks.plans.agency_words import Piece, classify, is_bare_class, is_head_only
from tasks.plans.document import Cell, Row
from tasks.plans.understanding.vocabulary import Role, role_of

_NEW_HEADING = re.compile(
    r"^(?:S?TT|Số TT|Nội dung|Nhiệm vụ|Tên|Cơ quan|Đơn vị|Chủ trì|Phối hợp|Thời gian|Thời hạn"
    r"|Tiến độ|Kết quả|Sản phẩm|Ghi chú|Căn cứ|Hình thức|Kinh phí|Nguồn|Dự kiến|Cấp)\b",
    re.IGNORECASE,
)
_TIME_START = re.compile(
    r"^(?:năm|quý|quí|tháng|thường xuyên|hằng|hàng|định kỳ|trước|trong|từ|đến|chậm nhất"
    r"|giai đoạn|sau|khi|theo|\d{4}|\d{1,2}/\d{1,2})\b"
    # "Thực hiện thường xuyên", "Nhiệm vụ thường xuyên"
    r"|^(?:thực hiện|nhiệm vụ)\s+(?:thường xuyên|hằng|hàng|định kỳ)\b",
    re.IGNORECASE,
)
_TIME_WORD = re.compile(
    r"\b(?:năm|quý|quí|tháng|ngày|tuần|hằng|hàng|thường xuyên|giai đoạn|tiếp theo)\b"
    r"|\d{4}|\d{1,2}/\d{1,2}",
    re.IGNORECASE,
)
_CONTINUES = re.compile(r"(?:[,–-]|\b(?:và|của|các|ở|với|thuộc))$", re.IGNORECASE)
_LOOKAHEAD = 4
_TIME_WORDS = 4  # words enough to tell a time phrase ("Thực hiện thường xuyên")
_ACRONYMS = re.compile(r"^[A-ZĐ]{2,}(?:[,;]|$)")
# "1. Bộ Tài chính tổng hợp …", "2. Các bộ rà soát …": a cell that numbers its agencies' parts
_PART_NUMBER = re.compile(r"^(\d{1,2})[.)]\s+(?=\S)")
# A verb whose object is an agency, at the end of a line: "… trình", "… gửi" (not "chương trình")
_TO_AGENCY = re.compile(
    r"(?<!\S)(?<!chương )(?<!quy )(?<!công )(?<!lộ )(?<!tờ )(?:trình|gửi)$", re.IGNORECASE
)
_DETERMINER = re.compile(r"^(?:các|những)\s+", re.IGNORECASE)
# Institutions that are not agency class nouns elsewhere ("trên cơ sở" is a preposition)
_COLLECTIVE_NOUNS = ("cơ sở",)
AGENCY_ROLES = {"lead", "coordinating", "executor", "monitor"}


def heading_cells(row: Row) -> list[str]:
    """Column headings from the heading lines: "Cơ quan" + "chủ trì" → "Cơ quan chủ trì"."""
    cells: list[str] = []
    for cell in row.cells:
        text = cell.text
        known = not cells or role_of(cells[-1]) is not None
        capitalised = text[:1].isupper() and not text.isupper()
        # a lower-case line goes on with a heading that has no role yet ("Cơ quan" / "chủ trì")
        wrapped = not known and text[:1].islower()
        opens = (bool(_NEW_HEADING.match(text)) and not wrapped) or (known and capitalised)
        if not cells or opens:
            cells.append(text)
        else:
            cells[-1] = f"{cells[-1]} {text}"
    return cells


def split_row(row: Row, roles: list[Role | None]) -> list[str]:
    """The row's cells under `roles`: its number, then its lines in column order, each column
    ending where a line opens a later column (an agency name, a time phrase, or, after agencies
    or a time, any new capitalised line for a free-text column such as the result)."""
    lines = [cell.text for cell in row.cells]
    out: list[list[str]] = [[] for _ in roles]
    columns = list(range(len(roles)))
    if roles and roles[0] == "seq":
        out[0].append(lines[0])
        lines, columns = lines[1:], columns[1:]
    position, at = 0, 0
    while position < len(lines) and at < len(columns):
        column = columns[at]
        out[column].append(lines[position])
        position += 1
        while position < len(lines):
            jump = _next_column(lines, position, roles, columns[at:])
            if jump is not None:
                at += jump
                break
            out[column].append(lines[position])
            position += 1
    # agency lines keep their breaks: the agency splitter tells a wrapped name from a new one
    joiners = ["\n" if role in AGENCY_ROLES else " " for role in roles]
    return [joiner.join(parts).strip() for joiner, parts in zip(joiners, out, strict=True)]


def _next_column(
    lines: list[str], index: int, roles: list[Role | None], columns: list[int]
) -> int | None:
    """How many columns on the line at `index` opens (1 = the next), or None: same column."""
    text, previous = lines[index], lines[index - 1]
    current = roles[columns[0]]
    if text[:1].islower() or _CONTINUES.search(previous):
        return None
    if (part := _PART_NUMBER.match(text)) and int(part.group(1)) > 1:
        return None  # "2. Bộ Tư pháp …" goes on with the "1. …" above it
    if current in AGENCY_ROLES and not _ends_agency(lines, index):
        return None
    if current == "timeframe" and _TIME_WORD.search(text) and not _opens_agency(lines, index):
        return None
    later_agency = any(roles[column] in AGENCY_ROLES for column in columns[1:])
    if current in AGENCY_ROLES and not later_agency and _opens_agency(lines, index):
        return None  # the last agency column lists several agencies, one per line or more
    free: int | None = None
    for step, column in enumerate(columns[1:], start=1):
        role = roles[column]
        if role in AGENCY_ROLES and _opens_agency(lines, index):
            return step
        if role == "timeframe" and _starts_time(lines, index):
            return step
        if role in {"lead", "executor"}:
            break  # a task always names its lead: no later column opens before it
        if role not in AGENCY_ROLES and role != "timeframe" and free is None:
            free = step
    closed = current in AGENCY_ROLES or current == "timeframe"
    return free if closed else None


def _opens_agency(lines: list[str], index: int) -> bool:
    if index and (_CONTINUES.search(lines[index - 1]) or lines[index][:1].islower()):
        return False
    ahead = _PART_NUMBER.sub("", " ".join(lines[index : index + _LOOKAHEAD]))
    if (group := _DETERMINER.match(ahead)) and not _names_agencies(ahead[group.end() :]):
        return False  # "Các văn bản được ban hành": a result, not a group of agencies
    return starts_like_agency(ahead) or _class_list(lines[index])


def _names_agencies(text: str) -> bool:
    """Whether the words after "các" are agencies ("bộ, ngành", "Quân khu", "cơ sở đào tạo")."""
    first = text.split(",")[0].strip()
    collective = text.casefold().startswith(_COLLECTIVE_NOUNS)
    return classify(text) is not Piece.OTHER or is_head_only(first) or collective


def _class_list(text: str) -> bool:
    """A capitalised list of class nouns with no determiner ("Cơ quan, tổ chức và doanh
    nghiệp liên quan"): a collective group, written the way a coordinating cell often is."""
    first, comma, _ = text.partition(",")
    return bool(comma) and text[:1].isupper() and is_bare_class(first.strip())


def _starts_time(lines: list[str], index: int) -> bool:
    """A line that opens a time phrase, read with the lines after it while they are short: a
    narrow time column breaks "Thường" / "xuyên" and "Thực" / "hiện" / "thường xuyên"."""
    words: list[str] = []
    for line in lines[index : index + _LOOKAHEAD]:
        words += line.split()
        if len(words) >= _TIME_WORDS:
            break
    return bool(_TIME_START.match(" ".join(words)))


def _head_only_before(lines: list[str], index: int) -> bool:
    """Whether the agency written on the last one to three lines is a capitalised head word
    alone ("Thanh tra", "Văn phòng"); a class noun ("địa phương") is whole by itself."""
    for start in range(index - 1, max(-1, index - 4), -1):
        tail = re.split(r"[,;]", " ".join(lines[start:index]))[-1].strip()
        if tail[:1].isupper() and is_head_only(tail) and not is_bare_class(tail):
            return True
    return False


def _ends_agency(lines: list[str], index: int) -> bool:
    text, previous = lines[index], lines[index - 1]
    if text[:1].islower() or _CONTINUES.search(previous):
        return False
    if _TO_AGENCY.search(previous):
        return False  # "Ủy ban nhân dân tỉnh trình" / "Hội đồng nhân dân": the one it submits to
    if _opens_agency(lines, index) or _starts_time(lines, index):
        return True
    if _ACRONYMS.match(text):
        return False  # "Ủy ban về các tổ chức" / "PCPNN, VTV": abbreviations go on listing
    if _head_only_before(lines, index):
        return False  # "Thanh" / "tra" / "Chính phủ": a head word still waits for its name
    words = previous.split()
    # "Bộ Công" / "Thương": a capitalised name goes on over the line
    # an abbreviation in capitals ("TTXVN") is whole: a capitalised line after it is not more name
    going_on = words and words[-1][:1].isupper() and not words[-1].isupper()
    return not (going_on and not previous.endswith((".", ";", ")")))


def loose_heading_row(row: Row) -> Row:
    return Row(tuple(Cell(text, row.line) for text in heading_cells(row)), row.line)
