"""Tables recovered from plain text, in the three shapes extraction leaves them: markdown
pipe rows (`| a | b |`, `|---|`), Word rows with TAB-separated cells (a cell broken over two
lines is joined back), and portal "cell lines" where each cell stands on its own lines between
lone `|` lines and a row ends with two `|` lines in a row."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tasks.plans.document.clean import CleanLine
from tasks.plans.document.loose_tables import read_loose_table
from tasks.plans.document.model import Block, Cell, Row

_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_SEQ = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.?|[a-zđA-H][.)]?)$")
MAX_CELL_LINES = 60
_CELL_BULLET = re.compile(r"^[-+•]\s")
# The first characters of a pipe row, a rule, a lone "|" or a loose table's "TT" / "Số TT".
_MAY_START = re.compile(r"\s*(?:[|:-]|[st])", re.IGNORECASE)


def is_pipe_row(text: str) -> bool:
    return (text.count("|") >= 2 and text.startswith("|")) or bool(_PIPE_RULE.match(text))


def read_table(lines: Sequence[CleanLine], start: int) -> tuple[Block, int] | None:
    """The table starting at `lines[start]` and the index after it, or None."""
    text = lines[start].text
    if not lines[start].tabs and not _MAY_START.match(text):
        return None  # most lines: no shape below can start on it
    if text == "|":
        return _cell_lines(lines, start)
    if is_pipe_row(text):
        return _pipe_rows(lines, start)
    if lines[start].tabs:
        return _tab_rows(lines, start)
    return read_loose_table(lines, start)


def _block(rows: list[Row], first: int, last: int) -> Block:
    return Block(kind="table", line=first, end=last, rows=rows)


def _cell(parts: list[CleanLine]) -> Cell:
    texts = tuple(part.text for part in parts if part.text)
    text = ""
    for part in texts:  # a bulleted list in a cell keeps its lines: "- Bộ Xây dựng;" / "- Bộ …"
        joiner = "\n" if _CELL_BULLET.match(part) else " "
        text = f"{text}{joiner}{part}" if text else part
    return Cell(text.strip(), parts[0].number if parts else 0, parts=texts)


def _cell_lines(lines: Sequence[CleanLine], start: int) -> tuple[Block, int] | None:
    rows: list[Row] = []
    row: list[Cell] = []
    buffer: list[CleanLine] = []
    width = 0
    index = start + 1
    end = start + 1  # index after the last separator that belongs to the table
    while index < len(lines):
        line = lines[index]
        if line.text == "|":
            if buffer:
                row.append(_cell(buffer))
                buffer = []
                end = index + 1
                following = lines[index + 1].text if index + 1 < len(lines) else ""
                if width and len(row) >= width and following != "|":
                    break
            elif row:
                rows.append(Row(tuple(row), row[0].line))
                width = width or len(row)
                row = []
                end = index + 1
            index += 1
            continue
        if not line.text and not line.blank and buffer:
            index += 1  # a line emptied by cleaning ("**", "-----") inside a cell
            continue
        if not line.text or len(buffer) >= MAX_CELL_LINES:
            break
        buffer.append(line)
        index += 1
    if row:
        rows.append(Row(tuple(row), row[0].line))
    if not rows:
        return None
    return _block(rows, lines[start].number, lines[end - 1].number), end


def _split_pipes(text: str) -> list[str]:
    inner = text.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def _pipe_rows(lines: Sequence[CleanLine], start: int) -> tuple[Block, int]:
    rows: list[Row] = []
    index = start
    while index < len(lines) and is_pipe_row(lines[index].text):
        line = lines[index]
        if not _PIPE_RULE.match(line.text):
            cells = tuple(Cell(text, line.number) for text in _split_pipes(line.text))
            rows.append(Row(cells, line.number))
        index += 1
    return _block(rows, lines[start].number, lines[index - 1].number), index


def _tab_rows(lines: Sequence[CleanLine], start: int) -> tuple[Block, int]:
    rows: list[list[Cell]] = []
    width = 0
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.tabs:
            break
        cells = [Cell(text.strip(), line.number) for text in line.text.split("\t")]
        previous = rows[-1] if rows else None
        if previous is not None and _continues(previous, cells, width):
            joined = f"{previous[-1].text} {cells[0].text}".strip()
            previous[-1] = Cell(joined, previous[-1].line)
            previous.extend(cells[1:])
        else:
            rows.append(cells)
        width = max(width, len(rows[-1]))
        index += 1
        # a wrapped cell leaves a line without tabs between two rows of the table
        wrapped_cell = index + 1 < len(lines) and not lines[index].tabs and lines[index].text
        if wrapped_cell and lines[index + 1].tabs and rows and len(rows[-1]) < width:
            carried = lines[index]
            rows[-1][-1] = Cell(f"{rows[-1][-1].text} {carried.text}", rows[-1][-1].line)
            index += 1
    block_rows = [Row(tuple(cells), cells[0].line) for cells in rows]
    return _block(block_rows, lines[start].number, lines[index - 1].number), index


def _continues(previous: list[Cell], cells: list[Cell], width: int) -> bool:
    """A Word cell broken over two lines: the row so far is short, this line does not open a
    numbered row, and together they make at most the table's width."""
    if not width or len(previous) >= width or not cells[0].text:
        return False
    if _SEQ.match(cells[0].text):
        return False
    return len(previous) + len(cells) - 1 <= width
