"""What a format reader hands over: the document's parts in reading order (whole paragraphs
from Word and HTML, printed lines from PDF and OCR, tables of cells), built here into the same
Document the text reader makes, with the text that is stored and shown for the plan: one line
per paragraph, printed line or table row, cells joined by tabs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from dondoc.core.text import normalize_text
from tasks.plans.document.clean import CleanLine
from tasks.plans.document.model import Block, Cell, Document, Row
from tasks.plans.document.paragraphs import (
    UNWRAPPED_WIDTH,
    chunked,
    paragraph_blocks,
    wrap_width,
)

_CELL_BULLET = ("-", "+", "•")
# "1. Bộ A tổng hợp …" / "2. Bộ B rà soát …": a cell's numbered parts, each naming its agencies
_CELL_PART = re.compile(r"^\d{1,2}[.)]\s")


@dataclass(frozen=True)
class Paragraph:
    """A whole paragraph (Word, HTML), its automatic numbering written in front ("1.", "a)")."""

    text: str
    page: int = 0
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """One printed line (PDF, OCR): consecutive lines are joined into paragraphs as the text
    reader joins hard-wrapped text; an empty Line is a paragraph break. `confidence` is OCR's
    (0–100), None when the text was not recognised from an image."""

    text: str
    page: int = 0
    bold: bool = False
    confidence: float | None = None


@dataclass(frozen=True)
class TableCell:
    """A cell's paragraphs; `span` the grid columns it covers. `continues` marks a cell
    merged down from the row above (Word's vMerge, HTML's rowspan): empty in the text, as a
    copy of the table leaves it, but understanding knows the row shares the value above (a
    lead agency or deadline merged over three rows is each row's)."""

    paragraphs: tuple[str, ...]
    span: int = 1
    confidence: float | None = None
    continues: bool = False


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[TableCell, ...], ...]
    page: int = 0


Part = Paragraph | Line | Table


@dataclass
class ReadDocument:
    """A reader's result: the Document understanding reads, the text stored as the plan's
    source (line N of `text` is line N of the document), and the page each line came from."""

    document: Document
    text: str
    pages: list[int] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def page_of(self, line: int) -> int:
        return self.pages[line - 1] if 0 < line <= len(self.pages) else 0


def cell_text(paragraphs: Iterable[str]) -> str:
    """A cell's paragraphs as one text, as the text reader joins a cell's lines: a bulleted
    list keeps its lines ("- Bộ Xây dựng;" / "- Bộ …"), and so do numbered parts ("1. Bộ A …" /
    "2. Bộ B …"); other paragraphs join with a space."""
    text = ""
    for part in paragraphs:
        part = _clean(part)
        if not part:
            continue
        joiner = "\n" if part.startswith(_CELL_BULLET) or _CELL_PART.match(part) else " "
        text = f"{text}{joiner}{part}" if text else part
    return text


def build_document(parts: Iterable[Part], source: str = "") -> ReadDocument:
    builder = _Builder()
    for part in parts:
        builder.add(part)
    return builder.finish(source)


def _clean(text: str) -> str:
    return " ".join(normalize_text(text).split())


def _texts(paragraphs: Iterable[str]) -> tuple[str, ...]:
    return tuple(text for text in map(_clean, paragraphs) if text)


class _Builder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pages: list[int] = []
        self.confidence: dict[int, float] = {}
        self.blocks: list[Block] = []
        self.run: list[CleanLine] = []
        self.last_bold: bool | None = None

    def _line(self, text: str, page: int) -> int:
        self.lines.append(text)
        self.pages.append(page)
        return len(self.lines)

    def add(self, part: Part) -> None:
        if isinstance(part, Line):
            text = _clean(part.text)
            if text and self._bold_changes(part.bold):  # a blank line there, as in text
                self.run.append(CleanLine(self._line("", part.page), "", blank=True))
            number = self._line(text, part.page)
            if part.confidence is not None and text:
                self.confidence[number] = part.confidence
            bold = part.bold and bool(text)
            self.run.append(CleanLine(number, text, bold, bold, blank=not text))
            return
        self._flush()
        if isinstance(part, Paragraph):
            text = _clean(part.text)
            if text:
                self._gap_before(part.bold)
            number = self._line(text, part.page)
            if text:
                line = CleanLine(number, text, part.bold, part.bold, blank=False)
                self.blocks.extend(paragraph_blocks([line], wrapped=0))
            return
        self._table(part)

    def _table(self, table: Table) -> None:
        rows: list[Row] = []
        for cells in table.rows:
            texts = [cell_text(cell.paragraphs) for cell in cells]
            if not any(texts):
                continue  # an empty row (a spacer) says nothing
            number = self._line("\t".join(text.replace("\n", " ") for text in texts), table.page)
            known = [cell.confidence for cell in cells if cell.confidence is not None]
            if known:
                self.confidence[number] = min(known)
            row = tuple(
                Cell(
                    text,
                    number,
                    span=cell.span,
                    parts=_texts(cell.paragraphs),
                    merged=cell.continues and not text,
                )
                for cell, text in zip(cells, texts, strict=True)
            )
            rows.append(Row(row, number))
        if rows:
            self.blocks.append(Block("table", rows[0].line, rows[-1].line, rows=rows))

    def _gap_before(self, bold: bool) -> None:
        """A blank line where paragraphs change from bold to plain or back: a title typed as
        two bold paragraphs is one title, and the plain paragraph after it is not part of it
        (the header reader ends a title at a blank line, as in text)."""
        if self._bold_changes(bold):
            self._line("", self.pages[-1] if self.pages else 0)

    def _bold_changes(self, bold: bool) -> bool:
        changes = self.last_bold is not None and bold != self.last_bold
        self.last_bold = bold
        return changes

    def _flush(self) -> None:
        if not self.run:
            return
        width = wrap_width(self.run)
        wrapped = width if width <= UNWRAPPED_WIDTH else 0
        self.blocks.extend(
            paragraph_blocks(self.run, wrapped=wrapped, by_blank_lines=chunked(self.run))
        )
        self.run = []

    def finish(self, source: str) -> ReadDocument:
        self._flush()
        document = Document(
            self.blocks, len(self.lines), source, list(self.lines), confidence=self.confidence
        )
        return ReadDocument(document, "\n".join(self.lines) + "\n", self.pages)
