"""Word documents (DOCX): paragraphs with their automatic numbering rendered, tables with
merged and nested cells; headers, footers, footnotes and comments left out (they are other
parts of the package, never read).

Read with zipfile and lxml directly, not a DOCX library: python-docx drops the numbering
(the "1." and "a)" understanding needs), and docx2python renders every list as "1)" whatever
numbering.xml says (an "a." list, "Điều 1.", "1.2." levels), so neither gives the text as Word
shows it; both also read the whole package, while this reads three parts with bounded sizes.
The package is checked first: a zip bomb (huge declared or actual sizes), a corrupt zip, XML
with a DTD or entities and a password-protected file are refused with the reason."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from tasks.plans.formats.numbering import Numbering, W
from tasks.plans.formats.parts import (
    Paragraph,
    Part,
    ReadDocument,
    Table,
    TableCell,
    build_document,
)
from tasks.plans.parsed import PlanParseError

MB = 1024 * 1024
# the longest real plan's document.xml is a few MB; a member or a package over these is a bomb
MAX_DOCUMENT_XML = 50 * MB
MAX_PART = 20 * MB  # numbering.xml, styles.xml
MAX_TOTAL = 200 * MB
MAX_MEMBERS = 10_000
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
_SPACES = {f"{W}tab": " ", f"{W}ptab": " ", f"{W}br": " ", f"{W}cr": " "}


def read(data: bytes, source: str) -> ReadDocument:
    return build_document(parts(data, source), source)


def parts(data: bytes, source: str) -> list[Part]:
    """The document's paragraphs and tables in reading order."""
    if data.startswith(_OLE2):  # detect.sniff's "encrypted": an OLE2 file with an EncryptedPackage
        raise PlanParseError.one(
            source,
            "a password-protected (encrypted) Word document: dondoc cannot open it; save a copy "
            "without the password (in Word: File › Info › Protect Document) and import that",
        )
    parts_xml = _unpack(data, source)
    reader = _Reader(
        Numbering.read(parts_xml.get("word/numbering.xml")),
        _Styles(parts_xml.get("word/styles.xml")),
    )
    body = parts_xml["word/document.xml"].find(f"{W}body")
    if body is None:
        raise PlanParseError.one(source, "not a readable Word file: word/document.xml has no body")
    return list(reader.blocks(body))


def _unpack(data: bytes, source: str) -> dict[str, etree._Element]:
    """document.xml, numbering.xml and styles.xml parsed, after the package's sizes are
    checked: declared sizes first (cheap), then each read bounded (a lying header)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise PlanParseError.one(
            source, f"not a readable Word file: the zip is corrupt or truncated ({error})"
        ) from error
    if len(infos) > MAX_MEMBERS:
        raise PlanParseError.one(
            source, f"refused: {len(infos):,} files inside, over {MAX_MEMBERS:,} (a zip bomb?)"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL:
        raise PlanParseError.one(
            source,
            f"refused: it unpacks to {total / MB:,.0f} MB, over the {MAX_TOTAL // MB} MB limit "
            "for a Word file (a zip bomb?)",
        )
    names = {info.filename: info for info in infos}
    if "word/document.xml" not in names:
        raise PlanParseError.one(source, "not a readable Word file: word/document.xml is missing")
    out: dict[str, etree._Element] = {}
    for name, limit in (
        ("word/document.xml", MAX_DOCUMENT_XML),
        ("word/numbering.xml", MAX_PART),
        ("word/styles.xml", MAX_PART),
    ):
        if name in names:
            out[name] = _parse(_member(archive, names[name], limit, source), name, source)
    return out


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, source: str) -> bytes:
    too_big = (
        f"refused: {info.filename} unpacks to over {limit // MB} MB, more than any plan "
        "(a zip bomb?)"
    )
    if info.file_size > limit:
        raise PlanParseError.one(source, too_big)
    try:
        with archive.open(info) as member:
            content = member.read(limit + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as error:
        message = f"not a readable Word file: {info.filename} is corrupt or truncated ({error})"
        raise PlanParseError.one(source, message) from error
    if len(content) > limit:
        raise PlanParseError.one(source, too_big)
    return content


def _parse(content: bytes, name: str, source: str) -> etree._Element:
    if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
        raise PlanParseError.one(
            source, f"refused: {name} declares a DTD or entities, which Word never writes"
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        message = f"not a readable Word file: {name} is not well-formed XML ({error})"
        raise PlanParseError.one(source, message) from error


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
    def __init__(self, numbering: Numbering, styles: _Styles) -> None:
        self.numbering = numbering
        self.styles = styles

    def blocks(self, container: etree._Element) -> Iterator[Part]:
        """The body's paragraphs and tables in order; content controls (w:sdt) and other
        wrappers opened, text boxes after the paragraph that anchors them."""
        for child in container:
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
        for row in _children(table, f"{W}tr"):
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
                paragraphs.append(part.text)
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
