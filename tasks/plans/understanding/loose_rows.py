"""Columns for a loose (PDF) table. The heading's lines are joined into column headings where a
line opens a new heading phrase; a row's lines are split in column order: the content runs until
a line that opens an agency name after a finished line, each agency column until the next agency
name that does not follow a comma, and the timeframe is the run of lines that opens with a time
phrase; what lies between is the result column, what follows it the notes."""

from __future__ import annotations

import re

from tasks.plans.agency_names import starts_like_agency
from tasks.plans.document import Cell, Row
from tasks.plans.understanding.vocabulary import Role, role_of

_NEW_HEADING = re.compile(
    r"^(?:S?TT|Số TT|Nội dung|Nhiệm vụ|Tên|Cơ quan|Đơn vị|Chủ trì|Phối hợp|Thời gian|Thời hạn"
    r"|Tiến độ|Kết quả|Sản phẩm|Ghi chú|Căn cứ|Hình thức|Kinh phí|Nguồn|Dự kiến)\b"
)
_TIME_START = re.compile(
    r"^(?:năm|quý|quí|tháng|thường xuyên|hằng|hàng|định kỳ|trước|trong|từ|đến|chậm nhất"
    r"|giai đoạn|sau|khi|theo|\d{4}|\d{1,2}/\d{1,2})\b",
    re.IGNORECASE,
)
_TIME_WORD = re.compile(
    r"\b(?:năm|quý|quí|tháng|ngày|tuần|hằng|hàng|thường xuyên|giai đoạn|tiếp theo)\b"
    r"|\d{4}|\d{1,2}/\d{1,2}",
    re.IGNORECASE,
)
_CONTINUES = re.compile(r"(?:[,–-]|\b(?:và|của|các|ở|với|thuộc))$", re.IGNORECASE)
_LOOKAHEAD = 4


def heading_cells(row: Row) -> list[str]:
    """Column headings from the heading lines: "Cơ quan" + "chủ trì" → "Cơ quan chủ trì"."""
    cells: list[str] = []
    for cell in row.cells:
        text = cell.text
        opens = _NEW_HEADING.match(text) and (not cells or role_of(cells[-1]) is not None)
        if not cells or opens:
            cells.append(text)
        else:
            cells[-1] = f"{cells[-1]} {text}"
    return cells


def split_row(row: Row, roles: list[Role | None]) -> list[str]:
    """The row's cells under `roles`: its number, then its lines split in column order."""
    lines = [cell.text for cell in row.cells]
    out: dict[int, list[str]] = {index: [] for index in range(len(roles))}
    position = 0
    if roles and roles[0] == "seq":
        out[0].append(lines[0])
        position = 1
    rest = lines[position:] if position else lines[1:]
    agency_columns = [i for i, role in enumerate(roles) if role in {"lead", "coordinating"}]
    content_at = next((i for i, role in enumerate(roles) if role == "content"), None)
    index = 0
    if content_at is not None:
        while index < len(rest) and not (index and _opens_agency(rest, index)):
            out[content_at].append(rest[index])
            index += 1
    for column in agency_columns:
        if index >= len(rest) or not _opens_agency(rest, index):
            break
        out[column].append(rest[index])
        index += 1
        while index < len(rest) and not _ends_agency(rest, index):
            out[column].append(rest[index])
            index += 1
    _tail(rest[index:], roles, out)
    return [" ".join(parts).strip() for _, parts in sorted(out.items())]


def _opens_agency(lines: list[str], index: int) -> bool:
    if index and (_CONTINUES.search(lines[index - 1]) or lines[index][:1].islower()):
        return False
    return starts_like_agency(" ".join(lines[index : index + _LOOKAHEAD]))


def _ends_agency(lines: list[str], index: int) -> bool:
    text, previous = lines[index], lines[index - 1]
    if text[:1].islower() or _CONTINUES.search(previous):
        return False
    if _opens_agency(lines, index) or _TIME_START.match(text):
        return True
    words = previous.split()
    # "Bộ Công" / "Thương": a capitalised name goes on over the line
    return not (words and words[-1][:1].isupper() and not previous.endswith((".", ";", ")")))


def _tail(lines: list[str], roles: list[Role | None], out: dict[int, list[str]]) -> None:
    """After the agencies: result, then the timeframe, then notes, by the time phrase."""
    time_at = next((i for i, role in enumerate(roles) if role == "timeframe"), None)
    agency_last = max((i for i, r in enumerate(roles) if r in {"lead", "coordinating"}), default=0)
    before = [i for i in range(agency_last + 1, len(roles)) if time_at is None or i < time_at]
    after = [i for i in range(len(roles)) if time_at is not None and i > time_at]
    start = next(
        (i for i, line in enumerate(lines) if _TIME_START.match(line) and not line[:1].islower()),
        None,
    )
    if time_at is None or start is None:
        if before and lines:
            out[before[0]].extend(lines)
        return
    if before:
        out[before[0]].extend(lines[:start])
    end = start + 1
    while end < len(lines) and (lines[end][:1].islower() or _TIME_WORD.search(lines[end])):
        end += 1
    out[time_at].extend(lines[start:end])
    if after and end < len(lines):
        out[after[0]].extend(lines[end:])


def loose_heading_row(row: Row) -> Row:
    return Row(tuple(Cell(text, row.line) for text in heading_cells(row)), row.line)
