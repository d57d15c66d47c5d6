"""Word documents (DOCX): paragraphs with their automatic numbering rendered, tables with
merged and nested cells; headers, footers, footnotes and comments left out (they are other
parts of the package, never read).

Read with zipfile and lxml directly, not a DOCX library: python-docx drops the numbering
(the "1." and "a)" understanding needs); docx2python 3.7 renders it but not as Word shows it
(every level as "1)", so "I." is "I)", "1.2." is "2)" and "Điều 1." is "1)"; start overrides,
lists continued across instances and numbering styles ignored) and took 4.7 times as long on
a 177-page plan. Both also build the whole tree, while this reads three parts with bounded
sizes and streams the body (`package`). A zip bomb, a corrupt zip, XML with
a DTD or entities, a password-protected file and a text over the plan limits are refused
with the reason."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from dondoc.core.settings import get_settings
from tasks.plans.formats.numbering import Numbering, W
from tasks.plans.formats.package import body_parts, open_package
from tasks.plans.formats.parts import (
    Paragraph,
    Part,
    ReadDocument,
    Table,
    TableCell,
    build_document,
)
from tasks.plans.parsed import PlanParseError

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_OFF = {"0", "false", "off"}
# run-level elements whose text is not the document's: deleted and field-code text, the
# fallback copy of a drawing (its text box is read from the choice), notes and comments marks
_SKIPPED = {
    f"{W}rPr",
    f"{W}pPr",
    f"{W}del",
    f"{W}delText",
    f"{W}instrText",
    f"{W}moveFrom",
    f"{_MC}Fallback",
    f"{W}footnoteReference",
    f"{W}endnoteReference",
    f"{W}commentReference",
}
# a line break (Shift+Enter) ends a line, not the paragraph: a cell splits its paragraph's
# lines ("Sở A" / "- Sở B"), the body's paragraphs are joined into one line by parts
_SPACES = {f"{W}tab": " ", f"{W}ptab": " ", f"{W}br": "\n", f"{W}cr": "\n"}


def read(data: bytes, source: str) -> ReadDocument:
    return build_document(parts(data, source), source)


def parts(data: bytes, source: str) -> list[Part]:
    """The document's paragraphs and tables in reading order; refused once the text passes
    DONDOC_MAX_PLAN_LINES or DONDOC_MAX_PLAN_CHARS, as a plan's text is."""
    if data.startswith(_OLE2):  # detect.sniff's "encrypted": an OLE2 file with an EncryptedPackage
        raise PlanParseError.one(
            source,
            "a password-protected (encrypted) Word document: dondoc cannot open it; save a copy "
            "without the password (in Word: File › Info › Protect Document) and import that",
        )
    package = open_package(data, source)
    settings = get_settings()
    numbering, styles = Numbering.read(package.numbering), _Styles(package.styles)
    reader = _Reader(numbering, styles, source, settings.max_plan_lines)
    out: list[Part] = []
    lines = characters = 0
    for element in body_parts(package.document, source):
        for part in reader.block(element):
            out.append(part)
            if isinstance(part, Paragraph):
                lines, characters = lines + 1, characters + len(part.text) + 1
            else:
                lines += len(part.rows)
                characters += sum(
                    len(text) + 1 for row in part.rows for cell in row for text in cell.paragraphs
                )
        if lines > settings.max_plan_lines:
            limit = f"{settings.max_plan_lines:,}-line limit (DONDOC_MAX_PLAN_LINES)"
            raise PlanParseError.one(
                source, f"over the {limit}: more paragraphs and table rows than a plan"
            )
        if characters > settings.max_plan_chars:
            limit = f"{settings.max_plan_chars:,}-character limit (DONDOC_MAX_PLAN_CHARS)"
            raise PlanParseError.one(source, f"its text is over the {limit}")
    return out


class _Styles:
    """Paragraph styles' numbering and boldness, through their basedOn chains: a "List
    Number" or heading style numbers and bolds its paragraphs without a word in them."""

    def __init__(self, root: etree._Element | None) -> None:
        self.styles: dict[str, etree._Element] = {}
        if root is not None:
            for style in root.iterchildren(f"{W}style"):
                self.styles[style.get(f"{W}styleId", "")] = style
        self.cache: dict[str, tuple[tuple[str, int] | None, bool]] = {}

    def of(self, style_id: str) -> tuple[tuple[str, int] | None, bool]:
        if style_id not in self.cache:
            numbered: tuple[str, int] | None = None
            bold: bool | None = None
            seen: set[str] = set()
            current: str | None = style_id
            while current and current not in seen and current in self.styles:
                seen.add(current)
                style = self.styles[current]
                if numbered is None:
                    numbered = _num_pr(style.find(f"{W}pPr"))
                if bold is None:
                    bold = _bold(style.find(f"{W}rPr"))
                based = style.find(f"{W}basedOn")
                current = None if based is None else based.get(f"{W}val")
            self.cache[style_id] = (numbered, bool(bold))
        return self.cache[style_id]


class _Reader:
    def __init__(self, numbering: Numbering, styles: _Styles, source: str, max_rows: int) -> None:
        self.numbering = numbering
        self.styles = styles
        self.source = source
        self.max_rows = max_rows

    def blocks(self, container: etree._Element) -> Iterator[Part]:
        for child in container:
            yield from self.block(child)

    def block(self, child: etree._Element) -> Iterator[Part]:
        """A paragraph or table of the body or a cell; content controls (w:sdt) and other
        wrappers opened, text boxes after the paragraph that anchors them."""
        tag = child.tag
        if tag == f"{W}p":
            text, bold, boxes = self.paragraph(child)
            yield Paragraph(text, bold=bold)
            for box in boxes:
                yield from self.blocks(box)
        elif tag == f"{W}tbl":
            yield Table(tuple(self.rows(child)))
        elif tag in {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins"}:
            yield from self.blocks(child)
        elif tag == f"{_MC}AlternateContent":
            choice = child.find(f"{_MC}Choice")
            if choice is not None:
                yield from self.blocks(choice)

    def paragraph(self, p: etree._Element) -> tuple[str, bool, list[etree._Element]]:
        """The paragraph's text as shown (its number in front), whether it is bold, and its
        text boxes (w:txbxContent, read as paragraphs of their own)."""
        properties = p.find(f"{W}pPr")
        style_numbered: tuple[str, int] | None = None
        style_bold = False
        if properties is not None:
            style = properties.find(f"{W}pStyle")
            if style is not None:
                style_numbered, style_bold = self.styles.of(style.get(f"{W}val", ""))
        numbered = _num_pr(properties) or style_numbered
        texts: list[str] = []
        runs: list[bool] = []
        boxes: list[etree._Element] = []
        _collect(p, texts, runs, boxes, style_bold)
        text = "".join(texts)
        marker = None
        if numbered is not None and numbered[0] not in {"", "0"}:
            marker = self.numbering.render(numbered[0], numbered[1])
        if marker:
            text = f"{marker} {text}"
        bold = bool(runs) and all(runs)
        return text, bold, boxes

    def rows(self, table: etree._Element) -> Iterator[tuple[TableCell, ...]]:
        for count, row in enumerate(_children(table, f"{W}tr"), start=1):
            if count > self.max_rows:  # one table longer than a whole plan may be
                raise PlanParseError.one(
                    self.source,
                    f"a table of over {self.max_rows:,} rows, over the line limit "
                    "(DONDOC_MAX_PLAN_LINES): more than a plan",
                )
            yield tuple(self.cell(cell) for cell in _children(row, f"{W}tc"))

    def cell(self, tc: etree._Element) -> TableCell:
        properties = tc.find(f"{W}tcPr")
        span = 1
        if properties is not None:
            grid_span = properties.find(f"{W}gridSpan")
            if grid_span is not None:
                span = max(_int(grid_span.get(f"{W}val")), 1)
            merge = properties.find(f"{W}vMerge")
            if merge is not None and merge.get(f"{W}val", "continue") != "restart":
                return TableCell((), span=span, continues=True)  # merged down
        paragraphs: list[str] = []
        for part in self.blocks(tc):
            if isinstance(part, Paragraph):
                paragraphs.extend(part.text.split("\n"))
            else:  # a nested table: each of its rows one paragraph of this cell
                for row in part.rows:
                    texts = [" ".join(cell.paragraphs) for cell in row]
                    paragraphs.append(" ".join(text for text in texts if text.strip()))
        return TableCell(tuple(paragraphs), span=span)


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """`parent`'s `tag` children, those wrapped in content controls or custom XML too."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in {f"{W}sdt", f"{W}sdtContent", f"{W}customXml"}:
            yield from _children(child, tag)


def _collect(
    element: etree._Element,
    texts: list[str],
    runs: list[bool],
    boxes: list[etree._Element],
    style_bold: bool,
) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == f"{W}t":
            texts.append(child.text or "")
        elif tag in _SPACES:
            texts.append(_SPACES[tag])
        elif tag == f"{W}noBreakHyphen":
            texts.append("-")
        elif tag == f"{W}txbxContent":
            boxes.append(child)
        elif tag == f"{W}r":
            properties = child.find(f"{W}rPr")
            if properties is not None and _on(properties.find(f"{W}vanish")):
                continue  # hidden text
            before = len(texts)
            _collect(child, texts, runs, boxes, style_bold)
            if "".join(texts[before:]).strip():
                own = _bold(properties)
                runs.append(own if own is not None else style_bold)
        else:  # hyperlinks, insertions, fields' results, smart tags, drawings, content controls
            _collect(child, texts, runs, boxes, style_bold)


def _num_pr(properties: etree._Element | None) -> tuple[str, int] | None:
    if properties is None:
        return None
    num_pr = properties.find(f"{W}numPr")
    if num_pr is None:
        return None
    num_id = num_pr.find(f"{W}numId")
    level = num_pr.find(f"{W}ilvl")
    if num_id is None:
        return None
    return num_id.get(f"{W}val", ""), _int(None if level is None else level.get(f"{W}val"))


def _bold(properties: etree._Element | None) -> bool | None:
    if properties is None:
        return None
    bold = properties.find(f"{W}b")
    return None if bold is None else _on(bold)


def _on(element: etree._Element | None) -> bool:
    return element is not None and element.get(f"{W}val", "true").lower() not in _OFF


def _int(text: str | None) -> int:
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0
