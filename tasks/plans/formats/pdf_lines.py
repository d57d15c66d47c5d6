"""Printed lines from a PDF's words, and a cell's or a page's lines joined into paragraphs by
where they end: a line that stops short of the right edge by more than the next line's first
word ended its paragraph (the first word would have fitted on it), as Word and LibreOffice
wrap text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from tasks.plans.formats.pdf_page import Word

# Words further apart than this many line heights are in different columns of the page
# (a borderless header: the agency on the left, the motto on the right).
COLUMN_GAP = 4.0
_TAIL = re.compile(r"[^\W\d_]+$")
_HEAD = re.compile(r"^[^\W\d_]+")
_NUMBERED_PART = re.compile(r"^\d{1,2}[.)]\s")  # "2. Bộ Tư pháp …", a cell's next part
_GLUED_MARKER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*\.|[a-zđ]\)|[IVX]{1,5}\.)(?=[^\W\d_])")


@dataclass
class PrintedLine:
    words: list[Word]
    page: int = 0

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def height(self) -> float:
        return max(word.bottom - word.top for word in self.words)

    @property
    def bold(self) -> bool:
        """Mostly bold: a heading's automatic number ("1.", "Điều 3.") may not be."""
        letters = [sum(char.isalpha() for char in word.text) for word in self.words]
        bold = sum(count for count, word in zip(letters, self.words, strict=True) if word.bold)
        return sum(letters) > 0 and bold >= 0.7 * sum(letters)


def printed_lines(words: Iterable[Word], page: int = 0, *, split: bool = True) -> list[PrintedLine]:
    """Words grouped into lines where their boxes overlap by half their height (pdfium's
    boxes follow each glyph: accents raise a word's top, a dash sits low), top to bottom,
    each line left to right; with `split`, a line whose words stand COLUMN_GAP line heights
    apart is two lines, left first."""
    ordered = sorted(words, key=lambda word: (word.middle, word.x0))
    rows: list[list[Word]] = []
    top = bottom = 0.0
    for word in ordered:
        height = min(word.bottom - word.top, bottom - top)
        if rows and min(bottom, word.bottom) - max(top, word.top) >= 0.5 * height:
            rows[-1].append(word)
            top, bottom = min(top, word.top), max(bottom, word.bottom)
        else:
            rows.append([word])
            top, bottom = word.top, word.bottom
    lines: list[PrintedLine] = []
    for row in rows:
        row.sort(key=lambda word: word.x0)
        row[:1] = _unglued_marker(row[0])
        start = 0
        for index in range(1, len(row) if split else 0):
            height = row[index].bottom - row[index].top
            if row[index].x0 - row[index - 1].x1 > COLUMN_GAP * height:
                lines.append(PrintedLine(row[start:index], page))
                start = index
        lines.append(PrintedLine(row[start:], page))
    return lines


def _unglued_marker(word: Word) -> list[Word]:
    """An automatic number and its text, printed without a gap ("13.Đề nghị": the label
    filled the indent its tab would have reached), as two words."""
    found = _GLUED_MARKER.match(word.text)
    if found is None:
        return [word]
    share = (word.x1 - word.x0) * len(found.group(1)) / len(word.text)
    cut = word.x0 + share
    return [
        Word(found.group(1), word.x0, word.top, cut, word.bottom, word.bold),
        Word(word.text[len(found.group(1)) :], cut, word.top, word.x1, word.bottom, word.bold),
    ]


def ends_paragraph(line: PrintedLine, following: PrintedLine, right: float) -> bool:
    """Whether `line` ended its paragraph, text wrapping against `right`: the following
    line's first word would have fitted after it."""
    space = line.height * 0.3
    first = following.words[0]
    return line.x1 + space + (first.x1 - first.x0) < right - 1.0


def glue_broken_words(lines: list[PrintedLine], left: float, right: float) -> list[PrintedLine]:
    """A word broken over two lines made whole again: after a hyphen ("1441/QĐ-" / "UBND"),
    and a word too long for the line, cut where the line was full ("25/9/202" / "5")."""
    glued: list[PrintedLine] = []
    for line in lines:
        if glued and _broken(glued[-1], line, left, right):
            last, first = glued[-1].words[-1], line.words[0]
            whole = Word(last.text + first.text, last.x0, last.top, last.x1, last.bottom, last.bold)
            glued[-1] = PrintedLine([*glued[-1].words[:-1], whole], glued[-1].page)
            line = PrintedLine(line.words[1:], line.page)
            if not line.words:
                continue
        glued.append(line)
    return glued


def _broken(line: PrintedLine, following: PrintedLine, left: float, right: float) -> bool:
    last, first = line.words[-1], following.words[0]
    if cut_in_word(last.text, first.text):
        return True
    # A Vietnamese syllable (at most 7 letters) always fits a line: only a long number, code
    # or foreign word is cut mid-way ("28/5/201" / "5", "infograp" / "hic"), the line full
    # up to the next letter.
    too_long = (last.x1 - last.x0) + (first.x1 - first.x0) > right - left
    coded = (
        (last.text[-1:].isdigit() and first.text[:1].isdigit())
        or last.text.endswith("/")
        or (len(last.text) >= 8 and last.text.isalpha() and first.text[:1].islower())
    )
    letter = (first.x1 - first.x0) / max(len(first.text), 1)
    full = line.x1 >= right - letter - 1.5
    return too_long and coded and full and first.text[:1].isalnum()


def _sentence_ends(line: PrintedLine, following: PrintedLine) -> bool:
    """A sentence ended with its line and the next begins with a capital or a numbered part:
    taken as a new paragraph (a cell's two tasks, "… quy hoạch." / "Bố trí …", or its parts,
    "… (trong Quý II/2026)." / "2. Bộ Tư pháp …"); if it was not, the cell's text is the same,
    and a task's sentences are told apart by their full stops anyway."""
    return line.text.endswith(".") and (
        following.text[:1].isupper() or bool(_NUMBERED_PART.match(following.text))
    )


def cut_in_word(last: str, first: str) -> bool:
    """Whether the word `last` ending a line and `first` starting the next are one word cut:
    after a dash ("12/KH-" / "UBND"), before a comma, or a piece with no vowel ("Nghiê" /
    "n", "phươn" / "g"), as every Vietnamese syllable has one."""
    if len(last) > 1 and last.endswith(("-", "–")) and first[:1].isalnum():
        return True
    if first[:1] in ",.;:)" and last[-1:].isalnum():
        return True  # a comma carried over to the next line of a narrow cell
    tail, head = _TAIL.search(last), _HEAD.match(first)
    if len(last) < 2 or tail is None or head is None:
        return False
    end, start = tail.group(), head.group()
    if start.islower():  # "Nghiê" / "n", "tỉnh/t" / "hành"
        capitals = sum(char.isupper() for char in end)
        return _without_vowel(start) or (capitals <= int(end[0].isupper()) and _without_vowel(end))
    short = len(start) <= 2 < len(end) + len(start) <= 6  # "UBN" / "D", not "HĐND" / "UBND"
    return short and end.isupper() and start.isupper() and _without_vowel(start)


def _without_vowel(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    bases = (unicodedata.normalize("NFD", char)[0].lower() for char in letters)
    return bool(letters) and not any(base in "aeiouy" for base in bases)


def cell_paragraphs(words: list[Word], right: float) -> tuple[str, ...]:
    """A table cell's text as its paragraphs: its lines joined where the text wrapped."""
    lines = printed_lines(words, split=False)
    if lines:
        lines = glue_broken_words(lines, min(line.x0 for line in lines), right)
    paragraphs: list[str] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        current.append(line.text)
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (
            following is None
            or ends_paragraph(line, following, right)
            or _sentence_ends(line, following)
        ):
            paragraphs.append(" ".join(current))
            current = []
    return tuple(paragraphs)
