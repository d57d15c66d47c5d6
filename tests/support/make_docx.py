"""A plan's text as the Word document it was copied from, for DOCX fixtures: the text reader's
blocks become Word paragraphs (headings bold), numbered items get Word's *automatic* numbering
(the marker lives in numbering.xml, not in the paragraph's text, as in agencies' files: the
reader has to render it), and tables become real Word tables with merged cells (a cell's
`span` as gridSpan, a two-row heading's cells merged across and down) laid out as their
author would: what a text copy lost of the layout (a table copied out of a PDF, sub-rows whose
merged cells the copy dropped, the signature block run into the heading row) put back the way
understanding reads the text, and columns sized to their longest word and their content.

usage: python -m tests.support.make_docx IN.txt OUT.docx"""

from __future__ import annotations

import io
import itertools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.xmlchemy import BaseOxmlElement

from tasks.plans.document import read_text
from tasks.plans.document.model import Block, Cell, Row
from tasks.plans.parse import normalize_plan_text
from tasks.plans.understanding.from_tables import TableHeader, align_cells, header_of, unstack_row
from tasks.plans.understanding.loose_rows import AGENCY_ROLES, loose_heading_row, split_row
from tasks.plans.understanding.vocabulary import role_of
from tests.support.word_numbering import Numbering

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_SEQUENCE = re.compile(r"^\d{1,3}\.?$")
_PART = re.compile(r"^(?:\d{1,2}[.)]\s|[-+•]\s?)")
_SECTION = re.compile(r"^(?:[IVX]{1,5}|[A-H])\.?$")  # "II", "A.": a section row's number
_MARKER = re.compile(r"^(?:[IVX]{1,5}|[A-Z]|\d{1,3})[.)]?$")  # "I", "A.", "2" alone
MERGED = -1  # the line of a cell merged down from the row above (Word's vMerge)
# Twips: the text width of a portrait page, a cell's two margins with a little air, and a
# character of the default font (DejaVu Serif 11 pt where LibreOffice lacks the theme's font,
# a wide one); a word longer than _LONG_WORD characters (a link, a code) may wrap.
_PAGE, _MARGINS, _CHAR, _LONG_WORD = 9360, 240, 128, 12


def plan_docx(text: str, *, merge_headings: bool = True) -> bytes:
    """The DOCX bytes of plan `text`; `merge_headings` merges a two-row table heading's cells
    (across over its sub-headings, down over the empty cells under the others)."""
    document = read_text(normalize_plan_text(text))
    word = docx.Document()
    numbering = Numbering()
    body = word.element.body
    section = body.find(qn("w:sectPr"))  # the page setup stays the body's last child
    body.remove(section)
    for block in document.blocks:
        if block.kind == "table":
            above: list[str] = []
            if block.loose:
                rows = table_columns(block.rows)
            else:
                above, rows = laid_out(block.rows)
            body.extend(_paragraph(text) for text in above)
            body.append(_table(rows, merge_headings, numbering))
            body.append(_paragraph(""))  # Word keeps a paragraph between two tables
            continue
        numbered = numbering.number(block)
        if numbered is None:
            written = block.written_marker if block.written_marker else ""
            content = f"{written} {block.text}".strip()
            body.append(_paragraph(content, bold=block.kind == "heading"))
        else:
            body.append(_paragraph(block.text, bold=block.kind == "heading", numbered=numbered))
    body.append(section)
    numbering.install(word)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _paragraph(
    text: str, *, bold: bool = False, numbered: tuple[int, int] | None = None
) -> BaseOxmlElement:
    p = OxmlElement("w:p")
    if numbered is not None:
        properties = OxmlElement("w:pPr")
        num_pr = OxmlElement("w:numPr")
        ilvl, num = OxmlElement("w:ilvl"), OxmlElement("w:numId")
        ilvl.set(qn("w:val"), str(numbered[1]))
        num.set(qn("w:val"), str(numbered[0]))
        num_pr.extend([ilvl, num])
        properties.append(num_pr)
        p.append(properties)
    if text:
        run = OxmlElement("w:r")
        if bold:
            run_properties = OxmlElement("w:rPr")
            run_properties.append(OxmlElement("w:b"))
            run.append(run_properties)
        t = OxmlElement("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        run.append(t)
        p.append(run)
    return p


# --- tables ---------------------------------------------------------------------------------


@dataclass
class _GridCell:
    paragraphs: tuple[str, ...]
    span: int = 1
    merge: str = ""  # "restart" / "continue": Word's vMerge


def _table(rows: list[Row], merge_headings: bool, numbering: Numbering) -> BaseOxmlElement:
    grid = [
        [
            _GridCell(
                cell.parts or ((cell.text,) if cell.text else ()),
                max(cell.span, 1),
                "continue" if cell.line == MERGED else "",
            )
            for cell in row.cells
        ]
        for row in rows
    ]
    for above, row in itertools.pairwise(grid):
        for column, cell in enumerate(row):
            if cell.merge == "continue" and not above[column].merge:
                above[column].merge = "restart"
    if merge_headings:
        _merge_two_row_heading(grid)
    width = max(sum(cell.span for cell in row) for row in grid)
    for row in grid:  # a short row's last cell covers the rest (a section row, merged)
        row[-1].span += width - sum(cell.span for cell in row)
    table = OxmlElement("w:tbl")
    table.append(
        parse_xml(
            f'<w:tblPr {_W}><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9360" w:type="dxa"/>'
            "<w:tblBorders>"
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders></w:tblPr>"
        )
    )
    columns = OxmlElement("w:tblGrid")
    for twips in _widths(grid, width):
        column = OxmlElement("w:gridCol")
        column.set(qn("w:w"), str(twips))
        columns.append(column)
    table.append(columns)
    for row in grid:
        tr = OxmlElement("w:tr")
        for cell in row:
            tc = OxmlElement("w:tc")
            properties = OxmlElement("w:tcPr")
            if cell.span > 1:
                span = OxmlElement("w:gridSpan")
                span.set(qn("w:val"), str(cell.span))
                properties.append(span)
            if cell.merge:
                merge = OxmlElement("w:vMerge")
                if cell.merge == "restart":
                    merge.set(qn("w:val"), "restart")
                properties.append(merge)
            if len(properties):
                tc.append(properties)
            numbered = _numbered_cell(cell, numbering) if cell is row[0] else None
            if numbered is not None:  # "1", "2", … in the TT column: Word counts them
                tc.append(_paragraph("", numbered=numbered))
                tr.append(tc)
                continue
            for text in cell.paragraphs or ("",):  # a cell holds at least one paragraph
                tc.append(_paragraph(text))
            tr.append(tc)
        table.append(tr)
    return table


def _numbered_cell(cell: _GridCell, numbering: Numbering) -> tuple[int, int] | None:
    if len(cell.paragraphs) != 1 or not _SEQUENCE.match(cell.paragraphs[0]) or cell.merge:
        return None
    written = cell.paragraphs[0]
    item = Block("item", 0, 0, marker=written.rstrip("."), written_marker=written, style="number")
    return numbering.number(item, stream="table")


def _widths(grid: list[list[_GridCell]], width: int) -> list[int]:
    """Column widths (twips, over the page's 9,360) as an author sizes them: each column wide
    enough for its longest word (a name or "2026-2030" is not cut mid-way), the rest of the
    page shared by how much each column holds, a narrow "TT" column, a wide "Nội dung"."""
    held = [1] * width
    longest = [1] * width
    for row in grid:
        at = 0
        for cell in row:
            if cell.span == 1 and at < width:
                held[at] += sum(len(text) for text in cell.paragraphs)
                words = [len(word) for text in cell.paragraphs for word in text.split()]
                longest[at] = max([longest[at], *words])
            at += cell.span
    floors = [_MARGINS + _CHAR * min(size, _LONG_WORD) for size in longest]
    if sum(floors) > _PAGE:  # more columns than a portrait page holds: all squeezed alike
        return [_PAGE * floor // sum(floors) for floor in floors]
    spare = _PAGE - sum(floors)
    return [floor + spare * share // sum(held) for floor, share in zip(floors, held, strict=True)]


def _merge_two_row_heading(grid: list[list[_GridCell]]) -> None:
    """ "Cơ quan thực hiện" | "" over "Chủ trì" | "Phối hợp": the first cell spans both
    columns; the heading cells with nothing under them ("TT", "Nội dung") merge down."""
    for at in range(min(len(grid) - 1, 3)):
        top, under = grid[at], grid[at + 1]
        if len(top) != len(under) or any(cell.span > 1 for cell in top + under):
            continue
        texts = [" ".join(cell.paragraphs) for cell in top]
        below = [" ".join(cell.paragraphs) for cell in under]
        if _SEQUENCE.match(below[0]) or any(len(text) > 40 for text in below):
            continue  # the row under is a task, not sub-headings
        spans = [
            column
            for column in range(1, len(top))
            if not texts[column] and below[column] and texts[column - 1] and below[column - 1]
        ]
        downs = [column for column in range(len(top)) if texts[column] and not below[column]]
        if not spans or not downs:
            continue
        for column in downs:
            top[column].merge, under[column].merge = "restart", "continue"
        for column in sorted(spans, reverse=True):
            start = column - 1
            while start > 0 and not texts[start]:
                start -= 1
            top[start].span += top[column].span
            del top[column]
        return


def laid_out(rows: list[Row]) -> tuple[list[str], list[Row]]:
    """A table as its author laid it out in Word, and the paragraphs before it. A heading row a
    copy ran together with the cells before it ("Nơi nhận" | "KT. THỦ TƯỚNG" | "PHỤ LỤC I …" |
    "STT" | …: the signature block and the appendix's title) starts at its "STT", the cells
    before it written above the table; a row short of cells under the heading (a task's
    sub-rows, their number and agencies merged down in the source) has its cells under the
    columns understanding places them in, the columns it lacks merged down from the row above;
    and a row a copy stacked two tasks in (one lead per line) is its two rows again."""
    above: list[str] = []
    out: list[Row] = []
    header = None
    for row in rows:
        if header is None and (start := _heading_start(row)) is not None:
            above += [part for cell in row.cells[:start] for part in _cell_paragraphs(cell)]
            row = Row(row.cells[start:], row.line)
            header = header_of(row)
        elif header is None:
            header = header_of(row)
        elif stacked := unstack_row(row, header):
            out += _sub_rows(stacked)
            continue
        elif len(row.cells) < header.width and (placed := _task_cells(row, header)):
            row = _placed(row, placed, out[-1] if out else None)
        out.append(row)
    return above, out


def _heading_start(row: Row) -> int | None:
    """Where a task table's heading ("STT", "Nội dung", "Chủ trì" …) starts in a row that
    opens with other cells, None when the row is no such heading."""
    texts = row.texts()
    for start in range(1, len(texts)):
        if role_of(texts[start]) == "seq" and not any(map(role_of, texts[:start])):
            return start if header_of(Row(row.cells[start:], row.line)) is not None else None
    return None


def _cell_paragraphs(cell: Cell) -> tuple[str, ...]:
    return cell.parts or ((cell.text,) if cell.text else ())


def _task_cells(row: Row, header: TableHeader) -> list[str | None] | None:
    """A short row's cells under their columns when it is a task's row (more than two cells,
    or a lead agency among them), None for a section row ("A." | "BỘ TÀI CHÍNH", "I" | its
    title), which spans the table, as understanding tells them apart."""
    filled = [text for text in row.texts() if text]
    if not filled or _SECTION.match(filled[0]):
        return None
    placed = align_cells(row.texts(), header)
    lead = header.column("lead")
    lead = header.column("executor") if lead is None else lead
    if len(filled) > 2 or (lead is not None and placed[lead]):
        return placed
    return None


def _sub_rows(stacked: list[Row]) -> list[Row]:
    """Rows understanding unstacked, a cell they share merged down from the first."""
    first = stacked[0]
    rows = [first]
    for row in stacked[1:]:
        cells = tuple(
            Cell("", MERGED) if cell is first.cells[at] or at == 0 else cell
            for at, cell in enumerate(row.cells)
        )
        rows.append(Row(cells, row.line))
    return rows


def _placed(row: Row, placed: list[str | None], before: Row | None) -> Row:
    """The row's cells at the columns `placed` gives their texts; a column without one merged
    down from the row above (when that row has the same columns)."""
    waiting = list(row.cells)
    merge = before is not None and len(before.cells) == len(placed)
    cells = []
    for text in placed:
        cell = next((cell for cell in waiting if text is not None and cell.text == text), None)
        if cell is None:
            cells.append(Cell("", MERGED if merge else row.line))
        else:
            waiting.remove(cell)
            cells.append(cell)
    return Row(tuple(cells), row.line)


def table_columns(rows: list[Row]) -> list[Row]:
    """A table the text holds as printed lines (copied from a PDF) in the columns of the
    Word table it was printed from, as understanding splits them: a cell's lines joined back
    into its paragraphs, and a task row's empty last cells merged down from the task row above
    (a PDF prints a merged cell once); a section row ("I" | its title) spans the table."""
    out: list[Row] = []
    roles = None
    heading_row = None
    for index, row in enumerate(rows):
        heading = loose_heading_row(row) if index == 0 else row
        header = header_of(heading)
        if header is not None:
            roles = header.roles
            heading_row = heading
            out.append(heading)
        elif roles is None:
            out.append(Row((Cell(" ".join(row.texts()), row.line),), row.line))
        else:
            texts = split_row(row, roles)
            filled = len(texts)
            while filled > 0 and not texts[filled - 1]:
                filled -= 1
            kept = texts[:filled]
            if filled <= 2 and not _MARKER.match(kept[0]):
                kept = [" ".join(kept)]  # a section's title wrapped into the next column
            cells = [
                Cell(text, row.line, parts=_paragraphs(text, roles[at] in AGENCY_ROLES))
                for at, text in enumerate(kept)
            ]
            if filled > 2:
                above = out[-1]
                merged = len(above.cells) == len(texts) and above is not heading_row
                cells += [Cell("", MERGED if merged else row.line) for _ in texts[filled:]]
            out.append(Row(tuple(cells), row.line))
    return out


def _paragraphs(text: str, agencies: bool = False) -> tuple[str, ...]:
    """A cell's printed lines as its paragraphs: a new one where a line opens a numbered part
    ("2. Bộ Tư pháp …") or a bullet, wrapped lines joined; an agency cell's lines kept apart,
    as a table's cell keeps them, for the agency splitter to tell a name wrapped from the next
    ("Bộ Tài chính" over "Cơ quan, tổ chức liên quan")."""
    if agencies:
        return tuple(line for line in text.split("\n") if line)
    paragraphs: list[str] = []
    for line in text.split("\n"):
        if paragraphs and not _PART.match(line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return tuple(paragraphs)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.rsplit("usage: ", 1)[-1].strip(), file=sys.stderr)
        return 2
    source, target = map(Path, argv)
    target.write_bytes(plan_docx(source.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
