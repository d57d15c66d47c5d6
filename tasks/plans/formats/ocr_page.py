"""One scanned page's words as parts in reading order: Tesseract's lines outside tables (its
blocks keep a two-column letterhead in two runs, as pdftotext does), each ruled table where it
stands, a paragraph break where the page leaves a blank line or a new column starts, and the
page number and running head left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from statistics import fmean, median

import numpy as np

from tasks.plans.formats.ocr_cells import REREAD, UNSURE, pnm, read_cells, read_lines
from tasks.plans.formats.ocr_tables import (
    find_grids,
    grid_cells,
    grid_table,
    one_row_grids,
    tidy,
    with_row_uprights,
)
from tasks.plans.formats.parts import Line, Part, Table
from tasks.plans.formats.scan import DPI, Page
from tasks.plans.formats.tesseract import Word, recognise

# the top and bottom of a page where page numbers and running heads are printed
_MARGIN = 0.08
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s.]*$", re.I)
_HAS_TEXT = re.compile(r"\w")
_LINE_PAD = 20


@dataclass
class _Printed:
    words: list[Word]

    @property
    def text(self) -> str:
        return tidy(" ".join(word.text for word in self.words))

    @property
    def top(self) -> int:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> int:
        return max(word.bottom for word in self.words)

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def confidence(self) -> float:
        return fmean(word.confidence for word in self.words)


def furniture_key(text: str) -> str:
    """A running head as seen on every page: its numbers (page, date) do not tell pages apart."""
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def read_page(page: Page, source: str, heads: set[str]) -> list[Part]:
    """The page's parts. `heads` holds the texts seen at the top or bottom of earlier pages
    (as `furniture_key`): seen again there, a line is a running head and is dropped.

    Text outside tables is read as a page (Tesseract finds its blocks and lines); each table
    cell is read on its own, so no line runs across a ruling and a lone "8" in a cell is not
    passed over as a speck."""
    near = max(round(12 * page.dpi / DPI), 3)
    grids = find_grids(page.horizontal, page.vertical, near)
    if len(page.horizontal) >= 2:  # column lines a row tall, seen only in the pixels
        pixels = np.asarray(page.image)
        grids = [with_row_uprights(grid, pixels, near) for grid in grids]
        grids += one_row_grids(page.horizontal, grids, pixels, near)
        grids.sort(key=lambda grid: grid.top)
        del pixels
    text = page.image
    if grids:
        text = page.image.copy()
        for grid in grids:
            text.paste(255, grid.box)
    words = recognise(pnm(text), page.dpi, source, page.number)
    del text
    layouts = [grid_cells(grid, near) for grid in grids]
    boxes = [place.box for rows in layouts for cells in rows for place in cells if place]
    in_cells = read_cells(page, boxes, source)
    tables = [
        (grid.top, grid_table(rows, in_cells, page.number))
        for grid, rows in zip(grids, layouts, strict=True)
    ]
    printed = _printed_lines([word for word in words if not any(g.holds(word) for g in grids)])
    printed = _reread_unsure(page, printed, source)
    printed = _without_furniture(printed, page.image.height, heads)
    return _in_order(printed, tables, page.number)


def _printed_lines(words: list[Word]) -> list[_Printed]:
    """Tesseract's lines, in its reading order; a line of no letter or digit (a speck, what
    is left of a ruling) is noise."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    printed = [_Printed(sorted(found, key=lambda word: word.left)) for found in lines.values()]
    return [line for line in printed if _HAS_TEXT.search(line.text)]


def _reread_unsure(page: Page, lines: list[_Printed], source: str) -> list[_Printed]:
    """Lines with a word Tesseract was unsure of, read again cut out of the page: read in
    the page, a bold heading in capitals loses its accents ("TỔ CHÚC THỤC HIỆN"), read
    alone it keeps them ("TỔ CHỨC THỰC HIỆN"). The better-trusted reading is kept."""
    unsure = [line for line in lines if min(w.confidence for w in line.words) < UNSURE]
    unsure = sorted(unsure, key=lambda line: line.confidence)[:REREAD]
    if not unsure:
        return lines
    pad = round(_LINE_PAD * page.dpi / DPI)
    width, height = page.image.size
    boxes = {
        id(line): (
            max(min(w.left for w in line.words) - pad, 0),
            max(line.top - pad, 0),
            min(max(w.right for w in line.words) + pad, width),
            min(line.bottom + pad, height),
        )
        for line in unsure
    }
    again = read_lines(page, list(dict.fromkeys(boxes.values())), source)
    better = []
    for line in lines:
        words = again.get(boxes[id(line)], []) if id(line) in boxes else []
        if words and fmean(w.confidence for w in words) > line.confidence:
            first = line.words[0]
            ids = {"block": first.block, "paragraph": first.paragraph, "line": first.line}
            line = _Printed([replace(word, **ids) for word in sorted(words, key=lambda w: w.left)])
        better.append(line)
    return better


def _without_furniture(lines: list[_Printed], height: int, heads: set[str]) -> list[_Printed]:
    kept = []
    seen_here = set()
    for line in lines:
        in_margin = line.bottom < height * _MARGIN or line.top > height * (1 - _MARGIN)
        if in_margin:
            key = furniture_key(line.text)
            if _PAGE_NUMBER.match(line.text) or key in heads:
                continue
            seen_here.add(key)
        kept.append(line)
    heads |= seen_here
    return kept


def _in_order(lines: list[_Printed], tables: list[tuple[int, Table]], page: int) -> list[Part]:
    """Lines in Tesseract's order with each table put before the first line below it, and an
    empty Line (a paragraph break) where a blank line's height is left or the text goes back
    up the page (the next column of a letterhead)."""
    tall = median(line.height for line in lines) if lines else 0
    parts: list[Part] = []
    waiting = list(tables)
    previous: _Printed | None = None
    for line in lines:
        while waiting and waiting[0][0] < line.top:
            parts.append(waiting.pop(0)[1])
            previous = None
        if previous is not None:
            gap = line.top - previous.bottom
            if gap > tall or line.bottom < previous.top:
                parts.append(Line("", page))
        parts.append(Line(line.text, page, confidence=round(line.confidence, 1)))
        previous = line
    parts.extend(table for _, table in waiting)
    return parts
