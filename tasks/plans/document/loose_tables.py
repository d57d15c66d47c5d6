"""Tables that PDF extraction leaves one cell line per text line, with nothing between cells:
a heading row ("TT", "Nội dung", "Cơ quan chủ", "trì", …) and then rows that each open with
their number on a line of its own ("1", "II", "1.2", "-"). The reader keeps each row's lines in
order (a "loose" table); understanding splits them into columns by what the lines say."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tasks.plans.document.clean import CleanLine
from tasks.plans.document.model import Block, Cell, Row

_FIRST_HEADING = re.compile(r"^(?:S?TT|Số TT|Số thứ tự)$", re.IGNORECASE)
ROW_NUMBER = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,5}\.?|[a-zđ]\)|[-+])$"
    r"|^[IVX]{1,5}\.\s+[A-ZĐÀ-Ỹ]"  # a section row with its title on the same line
)
_HEADING_WORDS = re.compile(r"chủ\s*trì|thực\s*hiện", re.IGNORECASE)
_END = re.compile(r"^(?:Nơi nhận|TM\.|KT\.|Điều \d|PHỤ LỤC\b|Phụ lục\b)")
_MAX_HEADING_LINES = 16
_GAP = re.compile(r"\s{2,}")


def read_loose_table(lines: Sequence[CleanLine], start: int) -> tuple[Block, int] | None:
    """The loose table whose heading opens at `lines[start]` ("TT"), or None."""
    if not _FIRST_HEADING.match(lines[start].text.strip()):
        return None
    heading: list[CleanLine] = []
    index = start
    while index < len(lines) and len(heading) <= _MAX_HEADING_LINES:
        text = lines[index].text.strip()
        if heading and ROW_NUMBER.match(_GAP.split(text)[0]):
            break
        if text:
            heading.append(lines[index])
        index += 1
    joined = " ".join(line.text for line in heading)
    if len(heading) < 3 or not _HEADING_WORDS.search(joined) or index >= len(lines):
        return None
    rows = [Row(tuple(Cell(line.text.strip(), line.number) for line in heading), heading[0].number)]
    first_number = lines[start].number - start  # the number of lines[0]
    lines = _split_gaps(lines, index)
    heading_texts = [line.text.strip() for line in heading]
    current: list[CleanLine] = []
    end = index
    while index < len(lines):
        text = lines[index].text.strip()
        if _END.match(text):
            break
        if text == heading_texts[0] and _repeats(lines, index, heading_texts):
            index = _skip_heading(lines, index, heading_texts)
            continue
        if text:
            if ROW_NUMBER.match(text) and current:
                rows.append(_row(current))
                current = []
            current.append(lines[index])
            end = index + 1
        index += 1
    if current:
        rows.append(_row(current))
    if len(rows) < 2:
        return None
    last = lines[end - 1].number
    # `lines` gained pieces of split lines: the caller's index after the table is by number
    return Block("table", lines[start].number, last, rows=rows, loose=True), last - first_number + 1


def _split_gaps(lines: Sequence[CleanLine], start: int) -> list[CleanLine]:
    """Two cells that PDF extraction put on one line keep a wide gap between them ("cơ quan
    ngang bộ  Bộ Tư pháp", "7  Đề án …"): from `start` on, each becomes a line of its own."""
    out = list(lines[:start])
    for line in lines[start:]:
        pieces = [piece for piece in _GAP.split(line.text.strip()) if piece]
        if len(pieces) < 2:
            out.append(line)
            continue
        out.extend(CleanLine(line.number, piece, blank=False) for piece in pieces)
    return out


def _row(lines: list[CleanLine]) -> Row:
    return Row(tuple(Cell(line.text.strip(), line.number) for line in lines), lines[0].number)


def _repeats(lines: Sequence[CleanLine], index: int, heading: list[str]) -> bool:
    """The heading row printed again at the top of the next page."""
    seen = [line.text.strip() for line in lines[index : index + len(heading) + 4] if line.text]
    return seen[: len(heading)] == heading


def _skip_heading(lines: Sequence[CleanLine], index: int, heading: list[str]) -> int:
    remaining = len(heading)
    while index < len(lines) and remaining:
        if lines[index].text.strip():
            remaining -= 1
        index += 1
    return index
