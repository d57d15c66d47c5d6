"""One PDF page as words with their boxes and the page's drawn lines (rulings), read through
pdfium's text page: one box call per character, a font call per word. Coordinates are
points from the page's top-left corner, so "above" is a smaller `top`."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# A page with more characters or drawn objects than this is not a plan's page (a plan's
# densest page holds ~6,000 characters and a few hundred lines); reading it would take
# unbounded time, so the document is refused.
MAX_PAGE_CHARS = 200_000
MAX_PAGE_OBJECTS = 100_000
# A drawn line at most this thick (points) is a ruling; longer than RULING_MIN, not a dot.
RULING_THICKNESS = 2.5
RULING_MIN = 4.0


class PageTooBusy(Exception):
    """A page over MAX_PAGE_CHARS or MAX_PAGE_OBJECTS; the reader names it to the user."""


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    bold: bool = False

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Ruling:
    """A horizontal (`x0`..`x1` at `y`) or vertical (`y0`..`y1` at `x`) drawn line."""

    horizontal: bool
    at: float  # y of a horizontal ruling, x of a vertical one
    start: float
    end: float


@dataclass
class PageWords:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rulings: list[Ruling] = field(default_factory=list)


def read_page(page: pdfium.PdfPage, number: int) -> PageWords:
    width, height = page.get_size()
    result = PageWords(number, width, height)
    objects = pdfium_c.FPDFPage_CountObjects(page.raw)
    if objects > MAX_PAGE_OBJECTS:
        raise PageTooBusy(f"page {number} holds {objects:,} drawn objects")
    textpage = page.get_textpage()
    try:
        result.words = _words(textpage, height, number)
    finally:
        textpage.close()
    result.rulings = _rulings(page, objects, height)
    return result


def _words(textpage: pdfium.PdfTextPage, height: float, number: int) -> list[Word]:
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count > MAX_PAGE_CHARS:
        raise PageTooBusy(f"page {number} holds {count:,} characters")
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: one call per character instead
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, index)) for index in range(count))
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    words: list[Word] = []
    chars: list[str] = []
    x0 = top = x1 = bottom = 0.0
    first = 0
    for index, char in enumerate(text):
        if char == "\ufffe":  # pdfium's mark for a hyphen that ends a line
            char = "-"
        if char.isspace() or not loose_box(raw, index, box_ref):
            if chars:
                words.append(_word(raw, chars, x0, top, x1, bottom, first))
                chars = []
            continue
        left, right = box.left, box.right
        char_top, char_bottom = height - box.top, height - box.bottom
        if chars:
            size = bottom - top
            same_line = char_top < bottom - size * 0.4 and char_bottom > top + size * 0.4
            if not same_line or left < x1 - size * 0.3 or left > x1 + size * 0.15:
                words.append(_word(raw, chars, x0, top, x1, bottom, first))
                chars = []
        if not chars:
            first = index
            x0, top, x1, bottom = left, char_top, right, char_bottom
        else:
            x1 = max(x1, right)
            top, bottom = min(top, char_top), max(bottom, char_bottom)
        chars.append(char)
    if chars:
        words.append(_word(raw, chars, x0, top, x1, bottom, first))
    return words


_FONT_NAME = ctypes.create_string_buffer(256)


def _word(
    raw: pdfium_c.FPDF_TEXTPAGE,
    chars: list[str],
    x0: float,
    top: float,
    x1: float,
    bottom: float,
    first: int,
) -> Word:
    """A word, bold when its font's name says so ("…-Bold", "…,Bold", "…BoldMT") or, for a
    font without a telling name, by its weight."""
    flags = ctypes.c_int()
    length = pdfium_c.FPDFText_GetFontInfo(raw, first, _FONT_NAME, 256, ctypes.byref(flags))
    name = _FONT_NAME.value.decode("latin-1") if 0 < length <= 256 else ""
    bold = "bold" in name.lower() or pdfium_c.FPDFText_GetFontWeight(raw, first) >= 600
    return Word("".join(chars), x0, top, x1, bottom, bold)


def _rulings(page: pdfium.PdfPage, objects: int, height: float) -> list[Ruling]:
    """Thin drawn lines and thin filled rectangles (Word draws cell borders as either), and
    the four sides of a stroked rectangle."""
    rulings: list[Ruling] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.byref(value) for value in (left, bottom, right, top)]
    for index in range(objects):
        handle = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(handle) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(handle, *refs):
            continue
        x0, x1 = left.value, right.value
        y0, y1 = height - top.value, height - bottom.value
        wide, tall = x1 - x0, y1 - y0
        if tall <= RULING_THICKNESS and wide >= RULING_MIN:
            rulings.append(Ruling(True, (y0 + y1) / 2, x0, x1))
        elif wide <= RULING_THICKNESS and tall >= RULING_MIN:
            rulings.append(Ruling(False, (x0 + x1) / 2, y0, y1))
        elif wide >= RULING_MIN and tall >= RULING_MIN and _stroked_box(handle):
            rulings += [
                Ruling(True, y0, x0, x1),
                Ruling(True, y1, x0, x1),
                Ruling(False, x0, y0, y1),
                Ruling(False, x1, y0, y1),
            ]
    return rulings


def _stroked_box(handle: pdfium_c.FPDF_PAGEOBJECT) -> bool:
    """A rectangle outline (a box drawn around a cell), not a shaded cell or a curve."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(handle, ctypes.byref(fill), ctypes.byref(stroke)):
        return False
    if not stroke.value:
        return False
    segments = pdfium_c.FPDFPath_CountSegments(handle)
    if not 4 <= segments <= 6:
        return False
    kinds = {
        pdfium_c.FPDFPathSegment_GetType(pdfium_c.FPDFPath_GetPathSegment(handle, index))
        for index in range(segments)
    }
    return pdfium_c.FPDF_SEGMENT_BEZIERTO not in kinds
