"""The document model every plan reader produces and every understanding step reads: one
sequence of blocks (headings, paragraphs, list items, tables) with the source line each starts
on, so a DOCX, PDF, OCR or text reader can feed the same understanding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "table"]
MarkerStyle = Literal["roman", "number", "letter", "dash", "plus", "bullet", ""]


@dataclass(frozen=True)
class Cell:
    """One table cell; `span` counts the columns it covers when the source says so, and
    `merged` that it continues the cell above (a Word or HTML cell merged over rows): empty,
    as a copy of the table leaves it, but known to share the row above's value."""

    text: str
    line: int
    span: int = 1
    parts: tuple[str, ...] = ()  # its source lines, where it had several
    merged: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    line: int

    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]


@dataclass
class Block:
    """A heading, paragraph or list item (`text`, its `marker` such as "II", "1.2", "a", "-"),
    or a table (`rows`). `line`/`end` are the 1-based source lines it spans."""

    kind: BlockKind
    line: int
    end: int
    text: str = ""
    marker: str = ""
    written_marker: str = ""
    style: MarkerStyle = ""
    rows: list[Row] = field(default_factory=list)
    loose: bool = False  # a PDF table: each row's cells are its lines, not yet in columns

    @property
    def depth_key(self) -> str:
        """A marker's level, as far as the marker alone tells: "1.2" is deeper than "1"."""
        if self.style == "number":
            return f"number{self.marker.count('.')}"
        return self.style


@dataclass
class Document:
    """What a reader produced: the blocks in order and the number of source lines."""

    blocks: list[Block]
    line_count: int
    source: str = ""
    lines: list[str] = field(default_factory=list)  # each source line, cleaned
    # OCR's confidence (0–100) in each line it recognised, by 1-based line: low ones make the
    # fields read from them low-confidence too
    confidence: dict[int, float] = field(default_factory=dict)

    def head_view(self, until: int) -> list[str]:
        """Source lines before `until` (1-based) as written, with table rows as tab-joined
        cells: the header's facts sit on lines of their own, or in one cell wrapped over two."""
        view = list(self.lines[: max(until - 1, 0)])
        for block in self.blocks:
            if block.kind != "table" or block.line > len(view):
                continue
            for line in range(block.line, min(block.end, len(view)) + 1):
                view[line - 1] = ""
            for row in block.rows:
                if row.line <= len(view):
                    view[row.line - 1] = "\t".join(row.texts())
        return view

    def lines_view(self) -> list[str]:
        """One string per source line: each block's text (table rows as tab-joined cells) on
        the line it starts, empty elsewhere. Line-based finders keep real line numbers."""
        view = [""] * max(self.line_count, 1)
        for block in self.blocks:
            if block.kind == "table":
                for row in block.rows:
                    index = min(row.line, len(view)) - 1
                    joined = "\t".join(row.texts())
                    view[index] = f"{view[index]}\t{joined}" if view[index] else joined
                continue
            index = min(block.line, len(view)) - 1
            text = f"{block.written_marker} {block.text}".strip()
            view[index] = f"{view[index]} {text}".strip() if view[index] else text
        return view
