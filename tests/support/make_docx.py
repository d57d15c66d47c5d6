"""A plan's text as the Word document it was copied from, for DOCX fixtures: the text reader's
blocks become Word paragraphs (headings bold), numbered items get Word's *automatic* numbering
(the marker lives in numbering.xml, not in the paragraph's text, as in agencies' files: the
reader has to render it), and tables become real Word tables with merged cells (a cell's
`span` as gridSpan, a two-row heading's cells merged across and down).

usage: python -m tests.support.make_docx IN.txt OUT.docx"""

from __future__ import annotations

import io
import itertools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from tasks.plans.document import Block, read_text
from tasks.plans.document.model import Cell, Row
from tasks.plans.parse import normalize_plan_text
from tasks.plans.understanding.from_tables import header_of
from tasks.plans.understanding.loose_rows import loose_heading_row, split_row

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_ROMAN = {"I": 1, "V": 5, "X": 10}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MARKER_PARTS = {
    "number": re.compile(r"^(?P<prefix>)(?P<values>\d{1,3}(?:\.\d{1,2})*)(?P<suffix>\D*)$"),
    "article": re.compile(r"^(?P<prefix>\D+?)(?P<values>\d{1,3})(?P<suffix>\D*)$"),
    "upperRoman": re.compile(r"^(?P<prefix>)(?P<values>[IVX]{1,5})(?P<suffix>[^IVX]*)$"),
    "upperLetter": re.compile(r"^(?P<prefix>)(?P<values>[A-H])(?P<suffix>[^A-Z]*)$"),
    "lowerLetter": re.compile(r"^(?P<prefix>)(?P<values>[a-z])(?P<suffix>[^a-z]*)$"),
}
_LEVELS = 9
_SEQUENCE = re.compile(r"^\d{1,3}\.?$")
_PART = re.compile(r"^(?:\d{1,2}[.)]\s|[-+•]\s?)")
MERGED = -1  # the line of a cell merged down from the row above (Word's vMerge)


def plan_docx(text: str, *, merge_headings: bool = True) -> bytes:
    """The DOCX bytes of plan `text`; `merge_headings` merges a two-row table heading's cells
    (across over its sub-headings, down over the empty cells under the others)."""
    document = read_text(normalize_plan_text(text))
    word = docx.Document()
    numbering = _Numbering()
    body = word.element.body
    section = body.find(qn("w:sectPr"))  # the page setup stays the body's last child
    body.remove(section)
    for block in document.blocks:
        if block.kind == "table":
            rows = _columns(block.rows) if block.loose else block.rows
            body.append(_table(rows, merge_headings))
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


def _paragraph(text: str, *, bold: bool = False, numbered: tuple[int, int] | None = None):  # type: ignore[no-untyped-def]
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


def _table(rows: list[Row], merge_headings: bool):  # type: ignore[no-untyped-def]
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
            f'<w:tblPr {_W}><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            "<w:tblBorders>"
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + "</w:tblBorders></w:tblPr>"
        )
    )
    columns = OxmlElement("w:tblGrid")
    for _ in range(width):
        column = OxmlElement("w:gridCol")
        column.set(qn("w:w"), str(9000 // width))
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
            for text in cell.paragraphs or ("",):  # a cell holds at least one paragraph
                tc.append(_paragraph(text))
            tr.append(tc)
        table.append(tr)
    return table


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


def _columns(rows: list[Row]) -> list[Row]:
    """A table the text holds as printed lines (copied from a PDF) in the columns of the
    Word table it was printed from, as understanding splits them: a cell's lines joined back
    into its paragraphs, and a row's empty last cells merged down from the row above (a PDF
    prints a merged cell once)."""
    out: list[Row] = []
    roles = None
    for index, row in enumerate(rows):
        heading = loose_heading_row(row) if index == 0 else row
        header = header_of(heading)
        if header is not None:
            roles = header.roles
            out.append(heading)
        elif roles is None:
            out.append(Row((Cell(" ".join(row.texts()), row.line),), row.line))
        else:
            texts = split_row(row, roles)
            filled = len(texts)
            while filled > 0 and not texts[filled - 1]:
                filled -= 1
            cells = [Cell(text, row.line, parts=_paragraphs(text)) for text in texts[:filled]]
            merged = out and len(out[-1].cells) == len(texts) and filled > 1
            cells += [Cell("", MERGED if merged else row.line) for _ in texts[filled:]]
            out.append(Row(tuple(cells), row.line))
    return out


def _paragraphs(text: str) -> tuple[str, ...]:
    """A cell's printed lines as its paragraphs: a new one where a line opens a numbered part
    ("2. Bộ Tư pháp …") or a bullet, wrapped lines joined."""
    paragraphs: list[str] = []
    for line in text.split("\n"):
        if paragraphs and not _PART.match(line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return tuple(paragraphs)


# --- automatic numbering ----------------------------------------------------------------------


@dataclass
class _Num:
    key: tuple[str, str, str]
    counters: list[int | None] = field(default_factory=lambda: [None] * _LEVELS)
    starts: list[int] = field(default_factory=lambda: [1] * _LEVELS)
    levels: int = 1  # the levels its start values are set for (w:startOverride)


@dataclass
class _Numbering:
    """numbering.xml being written: one abstract list per marker form (decimal "1." with its
    "1.2." levels, "a)", "II.", "Điều 1."), and a new list instance (w:num, its start values
    overridden) wherever the text's numbers do not follow on from Word's counters."""

    abstracts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    nums: list[_Num] = field(default_factory=list)
    current: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def number(self, block: Block) -> tuple[int, int] | None:
        """(numId, ilvl) of a numbered block, None when its marker stays in the text."""
        parsed = _parse_marker(block)
        if parsed is None:
            return None
        key, values = parsed
        level = len(values) - 1
        self.abstracts.setdefault(key, len(self.abstracts) + 1)
        index = self.current.get(key)
        if index is not None and self._follows(self.nums[index], values):
            num = self.nums[index]
        else:
            # a new instance restarts only with its start values overridden: without them
            # Word counts on from the other instances of the same abstract list
            num = _Num(key, levels=len(values))
            num.starts[: len(values)] = values
            self.nums.append(num)
            index = self.current[key] = len(self.nums) - 1
        num.counters[level] = values[level]
        num.counters[level + 1 :] = [None] * (_LEVELS - level - 1)
        return index + 1, level

    @staticmethod
    def _follows(num: _Num, values: list[int]) -> bool:
        level = len(values) - 1
        counter = num.counters[level]
        shown = [
            (num.counters[at] if num.counters[at] is not None else num.starts[at])
            for at in range(level)
        ]
        shown.append(counter + 1 if counter is not None else num.starts[level])
        return shown == values

    def install(self, word: docx.document.Document) -> None:
        part = word.part.numbering_part
        root = part.element
        for child in list(root):
            root.remove(child)
        for (numfmt, prefix, suffix), abstract_id in self.abstracts.items():
            levels = "".join(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{numfmt}"/>'
                f'<w:lvlText w:val="{_lvl_text(prefix, suffix, level)}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{360 * (level + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
                for level in range(_LEVELS)
            )
            root.append(
                parse_xml(
                    f'<w:abstractNum {_W} w:abstractNumId="{abstract_id}">'
                    f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
                )
            )
        for number, num in enumerate(self.nums, start=1):
            overrides = "".join(
                f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/>'
                "</w:lvlOverride>"
                for level, start in enumerate(num.starts[: num.levels])
            )
            root.append(
                parse_xml(
                    f'<w:num {_W} w:numId="{number}"><w:abstractNumId '
                    f'w:val="{self.abstracts[num.key]}"/>{overrides}</w:num>'
                )
            )


def _lvl_text(prefix: str, suffix: str, level: int) -> str:
    return prefix + ".".join(f"%{at}" for at in range(1, level + 2)) + suffix


def _parse_marker(block: Block) -> tuple[tuple[str, str, str], list[int]] | None:
    """The list form (numFmt, text before, text after) and the values of a block's marker,
    None for a bullet or a marker Word cannot count ("đ)", typed by hand)."""
    written = block.written_marker
    if block.style == "number":
        numfmt, form = "decimal", "number"
    elif block.style == "letter":
        numfmt, form = "lowerLetter", "lowerLetter"
    elif block.style == "roman" and block.marker.startswith("Điều"):
        numfmt, form = "decimal", "article"
    elif block.style == "roman" and _ROMAN_LIKE.match(block.marker):
        numfmt, form = "upperRoman", "upperRoman"
    elif block.style == "roman":
        numfmt, form = "upperLetter", "upperLetter"
    else:
        return None
    found = _MARKER_PARTS[form].match(written)
    if found is None:
        return None
    raw = found.group("values")
    if numfmt == "decimal":
        values = [int(value) for value in raw.split(".")]
    elif numfmt == "upperRoman":
        values = [_roman(raw)]
    else:
        values = [_LETTERS.index(raw.lower()) + 1]
    if any(value < 1 for value in values) or len(values) > _LEVELS:
        return None
    suffix = found.group("suffix")
    return (numfmt, found.group("prefix"), suffix), values


_ROMAN_LIKE = re.compile(r"^[IVX]{1,5}$")


def _roman(text: str) -> int:
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN[char]
        following = _ROMAN[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.rsplit("usage: ", 1)[-1].strip(), file=sys.stderr)
        return 2
    source, target = map(Path, argv)
    target.write_bytes(plan_docx(source.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
