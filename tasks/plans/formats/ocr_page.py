"""One scanned page's words as parts in reading order: Tesseract's lines outside tables (its
blocks keep a two-column letterhead in two runs, as pdftotext does), each ruled table where it
stands, a paragraph break where the page leaves a blank line or a new column starts, and the
page number and running head left out."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from statistics import fmean, median

import numpy as np
from PIL import Image

from tasks.plans.formats.ocr_tables import Grid, blank_cells, find_grids, grid_table
from tasks.plans.formats.parts import Line, Part
from tasks.plans.formats.scan import DPI, Page
from tasks.plans.formats.tesseract import Word, recognise

Box = tuple[int, int, int, int]

# the top and bottom of a page where page numbers and running heads are printed
_MARGIN = 0.08
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s.]*$", re.I)
_HAS_TEXT = re.compile(r"\w")
# a cell Tesseract found empty is read again when it holds this many dark pixels (300 dpi):
# a digit at 13 pt has about 300, a speck of scanner noise a few
_INK, _MIN_INK = 140, 120
_STRIP_GAP = 40


@dataclass
class _Printed:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

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
    (as `furniture_key`): seen again there, a line is a running head and is dropped."""
    near = max(round(12 * page.dpi / DPI), 3)
    grids = find_grids(page.horizontal, page.vertical, near)
    words = recognise(_pnm(page.image), page.dpi, source, page.number)
    if grids:
        boxes = [box for grid in grids for box in blank_cells(grid, words, near)]
        words += _read_cells(page, _inked(page, boxes, near), source)
    return page_parts(page, grids, words, heads)


def _inked(page: Page, boxes: list[Box], near: int) -> list[Box]:
    """The boxes, drawn in from their rulings, that hold ink (more than a speck of noise)."""
    pixels = np.asarray(page.image)
    inked = []
    for left, top, right, bottom in boxes:
        box = (left + near, top + near, right - near, bottom - near)
        if box[2] - box[0] < 2 * near or box[3] - box[1] < 2 * near:
            continue
        dark = int((pixels[box[1] : box[3], box[0] : box[2]] < _INK).sum())
        if dark >= _MIN_INK * (page.dpi / DPI) ** 2:
            inked.append(box)
    return inked


def _read_cells(page: Page, boxes: list[Box], source: str) -> list[Word]:
    """The words in `boxes`, in page coordinates: the boxes are stacked into one strip and
    read in one run of Tesseract (one run per cell would cost its start-up each time)."""
    if not boxes:
        return []
    gap = _STRIP_GAP
    width = max(right - left for left, _, right, _ in boxes) + 2 * gap
    height = sum(bottom - top + gap for _, top, _, bottom in boxes) + gap
    strip = Image.new("L", (width, height), 255)
    placed: list[tuple[int, Box]] = []
    y = gap
    for box in boxes:
        strip.paste(page.image.crop(box), (gap, y))
        placed.append((y, box))
        y += box[3] - box[1] + gap
    found = recognise(_pnm(strip), page.dpi, source, page.number, layout="6")
    words = []
    for word in found:
        middle = word.center[1]
        for at, (left, top, _, bottom) in placed:
            if at <= middle <= at + bottom - top:
                words.append(replace(word, left=word.left - gap + left, top=word.top - at + top))
                break
    return words


def _pnm(image: Image.Image) -> bytes:
    """The page as a PGM file: Tesseract reads it from stdin, and it costs nothing to write."""
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")
    return buffer.getvalue()


def page_parts(page: Page, grids: list[Grid], words: list[Word], heads: set[str]) -> list[Part]:
    """The page's words as parts: those in a table's grid its cells, the others lines."""
    loose: list[Word] = []
    for word in words:
        grid = next((grid for grid in grids if grid.holds(word)), None)
        if grid is None:
            loose.append(word)
        else:
            grid.words.append(word)
    printed = _printed_lines(loose)
    printed = _without_furniture(printed, page.image.height, heads)
    return _in_order(printed, grids, page.number)


def _printed_lines(words: list[Word]) -> list[_Printed]:
    """Tesseract's lines, in its reading order; a line of no letter or digit (a speck, what
    is left of a ruling) is noise."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    printed = [_Printed(sorted(found, key=lambda word: word.left)) for found in lines.values()]
    return [line for line in printed if _HAS_TEXT.search(line.text)]


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


def _in_order(lines: list[_Printed], grids: list[Grid], page: int) -> list[Part]:
    """Lines in Tesseract's order with each table put before the first line below it, and an
    empty Line (a paragraph break) where a blank line's height is left or the text goes back
    up the page (the next column of a letterhead)."""
    tall = median(line.height for line in lines) if lines else 0
    parts: list[Part] = []
    waiting = [grid for grid in grids if grid.words]
    previous: _Printed | None = None
    for line in lines:
        due = [grid for grid in waiting if grid.top < line.top]
        for grid in due:
            parts.append(grid_table(grid, page))
            waiting.remove(grid)
            previous = None
        if previous is not None:
            gap = line.top - previous.bottom
            if gap > tall or line.bottom < previous.top:
                parts.append(Line("", page))
        parts.append(Line(line.text, page, confidence=round(line.confidence, 1)))
        previous = line
    parts.extend(grid_table(grid, page) for grid in waiting)
    return parts
