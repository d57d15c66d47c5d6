"""Plans as agencies publish them: Word (DOCX; DOC, RTF and ODT through LibreOffice), PDF
with a text layer, scans (PDF or images, through Tesseract) and pages saved from a portal.
Each reader turns the file into `parts` (paragraphs, printed lines, tables of cells) and so
into the same Document the text reader makes: understanding is shared, whatever the format.

The format is told by content (`detect.sniff`), never by the file's name. Every reader
raises PlanParseError naming the file and the reason; none writes anything. May import
tasks.plans.document, tasks.plans.parsed and dondoc.core; LibreOffice and Tesseract are run
as programs, never linked."""

from __future__ import annotations

import importlib

from tasks.plans.formats.detect import NAMES, media_type, sniff
from tasks.plans.formats.parts import ReadDocument
from tasks.plans.parsed import PlanParseError

# kind → the module whose read(data, source) -> ReadDocument reads it
READERS = {
    "docx": "docx",
    "encrypted": "docx",  # refused there, saying how to remove the password
    "doc": "office",
    "rtf": "office",
    "odf": "office",
    "pdf": "pdf",
    "image": "ocr",
    "html": "html",
}
__all__ = [
    "READERS",
    "ReadDocument",
    "is_document",
    "media_type",
    "needs_ocr",
    "read_document",
    "sniff",
]


def is_document(data: bytes) -> bool:
    """Whether `data` is a published document for `read_document` (not text, CSV or YAML,
    and not a workbook, which is a structured plan)."""
    return sniff(data) in READERS


def needs_ocr(data: bytes) -> bool:
    """Whether reading `data` means OCR (an image, or a PDF that is a scan): seconds a page,
    so a web page hands it to a flow run rather than waiting on it."""
    kind = sniff(data)
    if kind == "image":
        return True
    if kind == "pdf":
        from tasks.plans.formats.pdf import is_scan

        return is_scan(data)
    return False


def read_document(data: bytes, source: str) -> ReadDocument:
    """The document in `data` (a file called `source`); PlanParseError if it cannot be read."""
    kind = sniff(data)
    if kind not in READERS:
        what = NAMES.get(kind, "an Office 97–2003 file that is not a Word document")  # type: ignore[call-overload]
        if kind == "damaged-zip":
            raise PlanParseError.one(source, what)
        raise PlanParseError.one(
            source,
            f"{what}, not a plan document: dondoc reads Word (DOCX, DOC), PDF, "
            "scans (PNG, JPEG, TIFF), web pages (HTML), text, and plans as YAML, CSV or XLSX",
        )
    reader = importlib.import_module(f"{__name__}.{READERS[kind]}")
    result: ReadDocument = reader.read(data, source)
    return result
