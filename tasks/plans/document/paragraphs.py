"""Blocks from the lines between tables: hard-wrapped lines joined back into paragraphs, a new
block wherever a line opens with a marker or a label, follows a full stop, a blank line or the
end of a bold run; headings told by their numeral or by capitals."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tasks.plans.document.clean import CleanLine
from tasks.plans.document.markers import read_marker, starts_label
from tasks.plans.document.model import Block

# A line ending in a comma or a word that needs what follows was wrapped mid-sentence.
_OPEN_ENDING = re.compile(
    r"(?:,|–|\b(?:và|của|các|với|cho|tại|về|theo|trong|từ|đến|trước|sau|là|quý|quí|tháng|năm"
    r"|ngày|sở|phòng|ban|bộ|ủy|uỷ|trung|văn|hội|cục|chi|đài|công|ubnd|số|thực|cơ|đơn|giai))$",
    re.IGNORECASE,
)
_TERMINAL = (".", ";", ":", "!", "?", "./.")
# Word copies hold one paragraph per line; wrapped text (PDF, portals) runs ~50-90 characters.
UNWRAPPED_WIDTH = 110
# Portal paragraphs run a few lines between blank lines (the median run of a text).
CHUNK_LINES = 8


def wrap_width(lines: Sequence[CleanLine]) -> int:
    """The 80th percentile of line lengths: tells wrapped text from one paragraph per line."""
    lengths = sorted(len(line.text) for line in lines if line.text and not line.tabs)
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def chunked(lines: Sequence[CleanLine]) -> bool:
    """Portal text separates paragraphs by blank lines (runs of a few lines); PDF text runs a
    page without one. In the first, a full stop at a line's end does not end the paragraph."""
    runs: list[int] = []
    run = 0
    for line in lines:
        if line.text and not line.tabs:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    if run:
        runs.append(run)
    return bool(runs) and sorted(runs)[len(runs) // 2] <= CHUNK_LINES


def paragraph_blocks(
    lines: Sequence[CleanLine], *, wrapped: int, by_blank_lines: bool = False
) -> list[Block]:
    """`wrapped` is the text's wrap width, 0 when each line is a paragraph; `by_blank_lines`
    when blank lines separate the paragraphs (see `chunked`)."""
    blocks: list[Block] = []
    previous: CleanLine | None = None
    in_bold = False
    tail: list[str] = []  # the last block's joined lines, added to its text once it ends
    for line in lines:
        if not line.text:
            previous = None
            in_bold = False
            continue
        joins = previous is not None and blocks
        if joins and _continues(previous, line, blocks[-1], wrapped, in_bold, by_blank_lines):
            _join(blocks[-1], line.text, tail)
            blocks[-1].end = line.number
        else:
            _end_block(blocks, tail)
            blocks.append(_new_block(line))
        previous = line
        in_bold = (in_bold or line.bold_start) and not line.bold_end
    _end_block(blocks, tail)
    for block in blocks:
        if block.kind != "heading" and _all_capitals(block.text):
            block.kind = "heading"
    return blocks


def _join(block: Block, text: str, tail: list[str]) -> None:
    """`block.text` becomes `f"{block.text} {text}".strip()` (`text` alone when it is empty),
    but a stripped text only grows at its end: the lines go to `tail` and are joined once, as
    copying the growing text for each line of a long paragraph was quadratic."""
    if tail or (block.text and block.text == block.text.strip()):
        if text.strip():
            tail.append(" " + text.rstrip())
        return
    block.text = f"{block.text} {text}".strip() if block.text else text


def _end_block(blocks: list[Block], tail: list[str]) -> None:
    if tail:
        blocks[-1].text += "".join(tail)
        tail.clear()


def _new_block(line: CleanLine) -> Block:
    marker = read_marker(line.text)
    if marker is None:
        return Block("paragraph", line.number, line.number, text=line.text)
    kind = "heading" if marker.style == "roman" else "item"
    return Block(
        kind,
        line.number,
        line.number,
        text=marker.rest,
        marker=marker.marker,
        written_marker=marker.written,
        style=marker.style,
    )


def _continues(
    previous: CleanLine,
    line: CleanLine,
    block: Block,
    wrapped: int,
    in_bold: bool,
    by_blank_lines: bool,
) -> bool:
    text = line.text
    if not block.text and block.marker:
        return read_marker(text) is None  # "1." alone, its text on the next line
    if read_marker(text) is not None:
        return False
    if in_bold:  # a bold run still open after the line before: it goes on on this one
        return True  # "**5. Sở" / "Khoa học và Công nghệ:**": one bold heading
    if wrapped and _OPEN_ENDING.search(previous.text):
        return True  # "+ Sở" / "Xây dựng: hướng dẫn …": a name wrapped after its first word
    if starts_label(text) and not _ends_wrapped_name(previous.text, text):
        return False
    if text[0].islower():
        return True
    if not wrapped:
        return False
    if by_blank_lines:
        if previous.bold_end or previous.text.endswith(":"):
            return False  # a bold heading or a lead-in ("…:") ends where its line does
        numbered = block.style in {"roman", "number", "letter"}
        if numbered and len(previous.text) < wrapped * 0.6:
            return False  # "2. Tổ chức thực hiện" over "Giao …"; a bullet may wrap short
        return _all_capitals(previous.text) == _all_capitals(text)
    if previous.text.endswith(_TERMINAL):
        return False
    if previous.bold_end and line.bold_start:
        return False
    if len(previous.text) < wrapped * 0.6:
        return False  # a short line ends its paragraph: "2. Tổ chức thực hiện" / "Giao …"
    return _all_capitals(previous.text) == _all_capitals(text)


def _ends_wrapped_name(previous: str, text: str) -> bool:
    """ "… và các Khu công nghiệp Quảng" / "Ngãi: hướng dẫn …": one word before the colon after
    an unfinished line ends a wrapped name; labels ("Thời gian:", "Chủ trì:") run two words."""
    return not previous.endswith(_TERMINAL) and len(text.split(":", 1)[0].split()) == 1


def _all_capitals(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 4 and all(char.isupper() for char in letters)
