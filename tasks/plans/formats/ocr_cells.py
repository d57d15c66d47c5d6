"""Reading a table's cells: each cell cut to its ink and stacked with the others into a strip
that Tesseract reads in one run (a run per cell would pay its start-up each time). A cell is
read on its own so no text line runs across a ruling. A short cell — an item's number "8",
"III" — is read again with the English model: the Vietnamese one, seeing a lone digit with no
line around it, reads "8" as "ö" and "5" as "S"; a number it reads is taken."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from statistics import fmean

import numpy as np
from PIL import Image

from tasks.plans.formats.ocr_tables import Box
from tasks.plans.formats.scan import DPI, Page
from tasks.plans.formats.tesseract import Word, has_model, recognise

# dark pixels (grey below _INK) a cell needs to be read (at 300 dpi): a digit at 13 pt has
# about 300, a speck of scanner noise a few; a row or column of the cell with fewer than
# _SPECK is not where its text is
_INK, _MIN_INK, _SPECK = 140, 120, 3
_MARGIN = 12
_STRIP_GAP = 40
# a strip taller than this is read in two runs (Tesseract's time and memory grow with it)
_STRIP_HEIGHT = 8000
# a short cell: one line of a few characters (pixels at 300 dpi)
_SHORT_HEIGHT, _SHORT_WIDTH = 75, 170
# a word read with less confidence than this has its line or cell read again alone, at
# most REREAD times a page (each is a run of Tesseract, a fifth of a second)
UNSURE = 80.0
REREAD = 15
_NUMBER = re.compile(r"^(?:\d{1,3}|[IVXLivx]{1,5}|[a-zđ])[.)]?$")


def read_cells(page: Page, boxes: list[Box], source: str) -> dict[Box, list[Word]]:
    """The words in each box that holds text."""
    scale = page.dpi / DPI
    pixels = np.asarray(page.image)
    inked: list[tuple[Box, Box]] = []
    for box in dict.fromkeys(boxes):
        ink = _ink_box(pixels, box, scale)
        if ink is not None:
            inked.append((box, ink))
    found: dict[Box, list[Word]] = {}
    for strip in _strips(inked, scale):
        found.update(_read_strip(page, strip, source, "vie"))
    _reread_unsure(page, inked, found, source)
    short = [
        (box, ink)
        for box, ink in inked
        if ink[3] - ink[1] <= _SHORT_HEIGHT * scale and ink[2] - ink[0] <= _SHORT_WIDTH * scale
    ]
    if short and has_model("eng"):
        for strip in _strips(short, scale):
            for box, words in _read_strip(page, strip, source, "eng").items():
                text = " ".join(word.text for word in words)
                if _NUMBER.match(text) and " ".join(w.text for w in found.get(box, [])) != text:
                    found[box] = words
    return found


def _reread_unsure(
    page: Page, inked: list[tuple[Box, Box]], found: dict[Box, list[Word]], source: str
) -> None:
    """Cells with a word Tesseract was unsure of, read again alone (a strip sizes letters by
    the other cells': a bold heading cell loses its accents); the better-trusted reading is
    kept."""
    unsure = [
        (box, ink)
        for box, ink in inked
        if found.get(box) and min(word.confidence for word in found[box]) < UNSURE
    ]
    unsure.sort(key=lambda cell: fmean(word.confidence for word in found[cell[0]]))
    for box, ink in unsure[:REREAD]:
        image = pnm(page.image.crop(ink))
        words = recognise(image, page.dpi, source, page.number, layout="6")
        if words and fmean(w.confidence for w in words) > fmean(w.confidence for w in found[box]):
            found[box] = [replace(w, left=w.left + ink[0], top=w.top + ink[1]) for w in words]


def _ink_box(pixels: np.ndarray, box: Box, scale: float) -> Box | None:
    """The part of the cell `box` its text is in (a margin around it), None if it has none:
    rulings and the specks of a scan do not count."""
    inset = max(round(_MARGIN * scale / 2), 2)
    left, top, right, bottom = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    if right - left < 2 * inset or bottom - top < 2 * inset:
        return None
    dark = pixels[top:bottom, left:right] < _INK
    if int(dark.sum()) < _MIN_INK * scale * scale:
        return None
    rows = np.flatnonzero(dark.sum(axis=1) >= _SPECK)
    columns = np.flatnonzero(dark.sum(axis=0) >= _SPECK)
    if rows.size == 0 or columns.size == 0:
        return None
    pad = max(round(_MARGIN * scale), 4)
    return (
        max(left + int(columns[0]) - pad, left),
        max(top + int(rows[0]) - pad, top),
        min(left + int(columns[-1]) + 1 + pad, right),
        min(top + int(rows[-1]) + 1 + pad, bottom),
    )


def _strips(cells: list[tuple[Box, Box]], scale: float) -> list[list[tuple[Box, Box]]]:
    strips: list[list[tuple[Box, Box]]] = []
    height = 0
    for box, ink in cells:
        tall = ink[3] - ink[1] + _STRIP_GAP
        if not strips or height + tall > _STRIP_HEIGHT * scale:
            strips.append([])
            height = 0
        strips[-1].append((box, ink))
        height += tall
    return strips


def _read_strip(
    page: Page, cells: list[tuple[Box, Box]], source: str, language: str
) -> dict[Box, list[Word]]:
    gap = _STRIP_GAP
    width = max(ink[2] - ink[0] for _, ink in cells) + 2 * gap
    height = sum(ink[3] - ink[1] + gap for _, ink in cells) + gap
    strip = Image.new("L", (width, height), 255)
    placed: list[tuple[int, int, Box]] = []
    y = gap
    for box, ink in cells:
        strip.paste(page.image.crop(ink), (gap, y))
        placed.append((y, y + ink[3] - ink[1], box))
        y += ink[3] - ink[1] + gap
    image = pnm(strip)
    words = recognise(image, page.dpi, source, page.number, layout="6", language=language)
    found: dict[Box, list[Word]] = {}
    for word in words:
        middle = word.center[1]
        for (top, bottom, box), (_, ink) in zip(placed, cells, strict=True):
            if top <= middle <= bottom:
                # back in page coordinates
                moved = replace(word, left=word.left - gap + ink[0], top=word.top - top + ink[1])
                found.setdefault(box, []).append(moved)
                break
    return found


def read_lines(page: Page, boxes: list[Box], source: str) -> dict[Box, list[Word]]:
    """The words in each box, each box read alone as one line (in a strip of others its
    letters are sized by its neighbours', and a heading in capitals loses its accents)."""
    found: dict[Box, list[Word]] = {}
    for box in boxes:
        image = pnm(page.image.crop(box))
        words = recognise(image, page.dpi, source, page.number, layout="7")
        found[box] = [replace(w, left=w.left + box[0], top=w.top + box[1]) for w in words]
    return found


def pnm(image: Image.Image) -> bytes:
    """The image as a PGM file: Tesseract reads it from stdin, and it costs nothing to write."""
    buffer = io.BytesIO()
    image.save(buffer, format="PPM")
    return buffer.getvalue()
