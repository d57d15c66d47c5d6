"""A DOCX's zip package opened without trusting it: a 150 KB upload can unpack to gigabytes
(a zip bomb) or hold XML that expands entities, so sizes are checked from the zip's directory
first, every part is read with a bounded read (a directory can lie), entities and DTDs are
refused, and the document body is parsed as a stream of its paragraphs and tables, each freed
once read, with a cap on the elements one of them may hold: memory stays bounded whatever
the file, and the reader stops as soon as the text passes the plan limits."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from tasks.plans.parsed import PlanParseError

MB = 1024 * 1024
# the longest real plan's document.xml is a few MB; a member or a package over these is a bomb
MAX_DOCUMENT_XML = 50 * MB
MAX_PART = 10 * MB  # numbering.xml, styles.xml: tens of kilobytes in real files
MAX_TOTAL = 200 * MB
MAX_MEMBERS = 10_000
# XML elements in document.xml: a 177-page plan made by python-docx holds 19,000, and Word
# writes several times python-docx's markup; past this the reading time and memory grow
MAX_ELEMENTS = 1_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY = f"{_W}body"
# the body's children the reader reads; iterparse reports no others (bookmarks, section
# properties), which the next reported child's clean-up frees
_READ = (
    BODY,
    *(f"{_W}{tag}" for tag in ("p", "tbl", "sdt", "customXml", "ins")),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
)


@dataclass
class Package:
    document: bytes  # word/document.xml, read (bounded) but not parsed: `body_parts` streams it
    numbering: etree._Element | None
    styles: etree._Element | None


def open_package(data: bytes, source: str) -> Package:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        NotImplementedError,
    ) as error:
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
    document = _member(archive, names["word/document.xml"], MAX_DOCUMENT_XML, source)
    _refuse_declarations(document, "word/document.xml", source)
    parts: dict[str, etree._Element | None] = {}
    for name in ("word/numbering.xml", "word/styles.xml"):
        info = names.get(name)
        parts[name] = (
            None if info is None else parse(_member(archive, info, MAX_PART, source), name, source)
        )
    return Package(document, parts["word/numbering.xml"], parts["word/styles.xml"])


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


def _refuse_declarations(content: bytes, name: str, source: str) -> None:
    if b"<!DOCTYPE" in content[:4096] or b"<!ENTITY" in content:
        raise PlanParseError.one(
            source, f"refused: {name} declares a DTD or entities, which Word never writes"
        )


_SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def parse(content: bytes, name: str, source: str) -> etree._Element:
    """A small part parsed whole (numbering.xml, styles.xml)."""
    _refuse_declarations(content, name, source)
    try:
        return etree.fromstring(content, etree.XMLParser(**_SAFE))
    except etree.XMLSyntaxError as error:
        message = f"not a readable Word file: {name} is not well-formed XML ({error})"
        raise PlanParseError.one(source, message) from error


def body_parts(document: bytes, source: str) -> Iterator[etree._Element]:
    """The body's children (paragraphs, tables, content controls) one at a time, each freed
    after the caller has read it: the tree never holds more than one of them. The elements
    are counted first (start tags, at C speed), which bounds the time and the memory."""
    elements = document.count(b"<") - document.count(b"</")
    if elements > MAX_ELEMENTS:
        raise PlanParseError.one(
            source,
            f"refused: word/document.xml holds {elements:,} XML elements, over the limit of "
            f"{MAX_ELEMENTS:,}, far more than any plan's",
        )
    body: etree._Element | None = None
    events = etree.iterparse(io.BytesIO(document), events=("start", "end"), tag=_READ, **_SAFE)
    try:
        for event, element in events:
            if event == "start":
                if body is None and element.tag == BODY:
                    body = element
                continue
            if body is not None and element.getparent() is body:
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del body[0]
    except etree.XMLSyntaxError as error:
        message = f"not a readable Word file: word/document.xml is not well-formed XML ({error})"
        raise PlanParseError.one(source, message) from error
    if body is None:
        raise PlanParseError.one(source, "not a readable Word file: word/document.xml has no body")
