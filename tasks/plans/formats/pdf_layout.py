"""A PDF's pages as one flow of parts: running headers, footers and page numbers dropped, a
table cut by a page break joined again (its repeated heading row dropped, a row split over
the break made whole), and printed lines joined into the paragraphs the layout shows (a
paragraph ends where a line stopped short of the next word, at a wider gap, where bold turns
off, or before a line that leaves a hanging indent)."""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from tasks.plans.document.markers import read_marker
from tasks.plans.formats.parts import Line, Part, Table, TableCell
from tasks.plans.formats.pdf_lines import PrintedLine, cut_in_word, ends_paragraph
from tasks.plans.formats.pdf_tables import SNAP, PageCell, PageTable

Item = PrintedLine | PageTable

# Running text sits in the top or bottom MARGIN of the page's height.
MARGIN = 0.12
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]?\s*\d{1,4}\s*[-–—]?|(?:trang|page)\s+\d{1,4}(?:\s*/\s*\d{1,4})?|\d{1,4}\s*/\s*\d{1,4})$",
    re.IGNORECASE,
)
_TERMINAL = (".", ";", ":", "!", "?")


@dataclass
class PageItems:
    number: int
    height: float
    items: list[Item]


def drop_running_text(pages: list[PageItems]) -> None:
    """Lines in the page's top or bottom margin that recur (digits aside) at the same height
    on most pages, and a lone page number there."""
    seen: Counter[tuple[str, int]] = Counter()
    for page in pages:
        seen.update({_running_key(line) for line in _margin_lines(page)})
    repeated = {key for key, count in seen.items() if len(pages) >= 2 and count > len(pages) / 2}
    for page in pages:
        marginal = {id(line) for line in _margin_lines(page)}
        page.items = [
            item
            for item in page.items
            if id(item) not in marginal
            or not isinstance(item, PrintedLine)
            or (_running_key(item) not in repeated and not _PAGE_NUMBER.match(item.text))
        ]


def _margin_lines(page: PageItems) -> list[PrintedLine]:
    lines = []
    for item in page.items:
        if isinstance(item, PrintedLine) and (
            item.bottom < page.height * MARGIN or item.top > page.height * (1 - MARGIN)
        ):
            lines.append(item)
    return lines


def _running_key(line: PrintedLine) -> tuple[str, int]:
    return re.sub(r"\d+", "#", line.text.casefold()), round(line.top / 4)


def join_tables(pages: list[PageItems]) -> list[tuple[Item, bool]]:
    """All items in order, each with whether a page break comes before it; a table that
    goes on at the top of the next page, in the same columns, is one table."""
    flow: list[tuple[Item, bool]] = []
    for page in pages:
        for index, item in enumerate(page.items):
            new_page = index == 0
            previous = flow[-1][0] if flow else None
            if (
                new_page
                and isinstance(item, PageTable)
                and isinstance(previous, PageTable)
                and _same_columns(previous, item)
            ):
                _append(previous, item)
                continue
            flow.append((item, new_page))
    return flow


def _same_columns(first: PageTable, second: PageTable) -> bool:
    """The same table's borders: its outer edges where they were (a row on the new page may
    merge cells the rows before did not)."""
    return abs(first.x0 - second.x0) <= 3.0 and abs(first.x1 - second.x1) <= 3.0


def _texts(row: list[PageCell]) -> list[tuple[str, ...]]:
    return [cell.paragraphs for cell in row]


def _append(table: PageTable, more: PageTable) -> None:
    rows = list(more.rows)
    for size in range(min(3, len(table.rows)), 0, -1):  # the heading rows, repeated
        if len(rows) > size and [_texts(row) for row in rows[:size]] == [
            _texts(row) for row in table.rows[:size]
        ]:
            rows = rows[size:]
            break
    if rows and table.rows and _continues(table.rows[-1], rows[0]):
        _merged(table.rows, rows.pop(0))
    table.rows.extend(rows)
    table.bottom = more.bottom


def _overlap(a: PageCell, b: PageCell) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _continues(last: list[PageCell], first: list[PageCell]) -> bool:
    """The row split by the page break: its number cell empty on the new page (or going on
    mid-sentence, in a table without one), and the text of a cell going on mid-sentence."""
    if not first or not last:
        return False
    if first[0].paragraphs and not first[0].paragraphs[0][:1].islower():
        return False
    for below in first:
        above = max(last, key=lambda cell: _overlap(cell, below))
        if above.paragraphs and below.paragraphs and _cut(above.paragraphs, below.paragraphs):
            return True
    return False


def _cut(above: tuple[str, ...], below: tuple[str, ...]) -> bool:
    return below[0][:1].islower() or not above[-1].endswith(_TERMINAL)


def _merged(rows: list[list[PageCell]], first: list[PageCell]) -> None:
    """The last row's cells over the break, each taking the text under it on the new page; a
    cell merged down from a row above takes it into that row's cell, whose text it is (a
    lead's list longer than its first row, cut by the break)."""
    for below in first:
        if not below.paragraphs:
            continue
        row, at = _owner(rows, below)
        cell = rows[row][at]
        above = cell.paragraphs
        if above and _cut(above, below.paragraphs):
            # a date, number or word cut by the break ("28/5/201" / "5 của …") is one again
            last, first_word = above[-1].rsplit(" ", 1)[-1], below.paragraphs[0].split(" ", 1)[0]
            numbered = re.search(r"[\d/]$", last) and first_word[:1].isdigit()
            glue = "" if numbered or cut_in_word(last, first_word) else " "
            joined = (*above[:-1], f"{above[-1]}{glue}{below.paragraphs[0]}", *below.paragraphs[1:])
        else:
            joined = above + below.paragraphs
        rows[row][at] = PageCell(cell.x0, cell.x1, joined)


def _owner(rows: list[list[PageCell]], below: PageCell) -> tuple[int, int]:
    """The row and cell the text `below` goes on: the last row's cell over it, or, when that
    is merged down, the cell above it holds the text."""
    row = len(rows) - 1
    while True:
        at = max(range(len(rows[row])), key=lambda index: _overlap(rows[row][index], below))
        if not rows[row][at].merged or row == 0:
            return row, at
        row -= 1


def _table(table: PageTable) -> Table:
    """The table in the grid of all its rows' borders: a cell's span is the grid columns
    between its borders."""
    borders: list[float] = []
    for edge in sorted({edge for row in table.rows for cell in row for edge in (cell.x0, cell.x1)}):
        if not borders or edge - borders[-1] > SNAP:
            borders.append(edge)
    rows = []
    for row in table.rows:
        cells = []
        for cell in row:
            span = sum(1 for border in borders[1:] if cell.x0 + SNAP < border <= cell.x1 + SNAP)
            cells.append(TableCell(cell.paragraphs, span=max(span, 1), continues=cell.merged))
        rows.append(tuple(cells))
    return Table(tuple(rows), table.page)


def to_parts(flow: list[tuple[Item, bool]]) -> list[Part]:
    """Tables as they are; printed lines joined into the paragraphs the layout shows, each
    handed over as one Line (one line of the document, as a copy out of Word has it): the
    layout tells paragraphs apart better than the text reader's guesses from line lengths,
    and a title wrapped over four printed lines stays one header line (corpus as PDF: 93 %
    of fields with a Line per printed line and a blank Line at each break, 96 % so)."""
    lines = [item for item, _ in flow if isinstance(item, PrintedLine)]
    left, right, gap = _measure(lines)
    parts: list[Part] = []
    run: list[PrintedLine] = []
    for item, new_page in flow:
        if isinstance(item, PageTable):
            _paragraph(run, parts)
            parts.append(_table(item))
            continue
        if run and _breaks(run, item, new_page, left, right, gap):
            _paragraph(run, parts)
        run.append(item)
    _paragraph(run, parts)
    return parts


def _paragraph(run: list[PrintedLine], parts: list[Part]) -> None:
    if run:
        text = run[0].text
        for line in run[1:]:  # "2021–" / "2030", "số 12/KH-" / "UBND": one word again
            broken = cut_in_word(text.rsplit(" ", 1)[-1], line.text.split(" ", 1)[0])
            text = f"{text}{'' if broken else ' '}{line.text}"
        parts.append(Line(text, run[0].page, all(line.bold for line in run)))
        run.clear()


def _measure(lines: list[PrintedLine]) -> tuple[float, float, float]:
    """The text column's left and right edges (where most lines start and the full lines
    end) and the usual gap between two lines of a paragraph."""
    if not lines:
        return 0.0, 0.0, 0.0
    starts = sorted(line.x0 for line in lines)
    ends = sorted(line.x1 for line in lines)
    gaps = [
        following.top - line.bottom
        for line, following in itertools.pairwise(lines)
        if following.page == line.page and following.top > line.bottom - line.height * 0.5
    ]
    gap = statistics.median(gaps) if gaps else 0.0
    return starts[len(starts) // 20], ends[len(ends) * 19 // 20], gap


def _breaks(
    run: list[PrintedLine],
    following: PrintedLine,
    new_page: bool,
    left: float,
    right: float,
    gap: float,
) -> bool:
    """Whether `following` starts a new paragraph after the lines of `run`."""
    line = run[-1]
    if line.bold != following.bold:
        return True
    if not new_page and following.top - line.bottom > gap + line.height * 0.5:
        return True
    if line.text.endswith(_TERMINAL) and read_marker(following.text) is not None:
        return True  # "… lao động." / "c) Chủ trì …": a full last line, then the next item
    if len(run) > 1 and following.x0 < line.x0 - 3:
        return True  # back out of a hanging indent: the next numbered paragraph
    middle = (left + right) / 2
    centered = line.x0 > left + 12 and abs((line.x0 + line.x1) / 2 - middle) < 12
    if centered:
        return False
    return line.x0 < middle and ends_paragraph(line, following, right)
