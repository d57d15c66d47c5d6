"""PDF with a text layer: words with their boxes, lines rebuilt from them, tables from the
drawn ruling lines (`pdf_tables`), running headers and page numbers dropped and paragraph
breaks found from the layout (`pdf_layout`). A PDF whose pages hold (almost) no text is a
scan, handed to the OCR reader.

pypdfium2 (pdfium, the PDF engine of Chromium) rather than pdfplumber: its text page gives
each character's box from C in one call, and a 20-page plan reads in ~0.2 s where
pdfplumber (pdfminer in pure Python) took ~1.3 s for its words alone, on this 2-core machine
(a 31-page plan: read and parsed in 0.29 s, pdftotext 0.09 s; benchmarks/documents.py).
Pages are loaded one at a time and closed before the next: only their words are kept, and a
page's characters and drawn objects and the document's characters are bounded."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import closing
from itertools import islice

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from dondoc.core.settings import get_settings
from tasks.plans.formats.parts import ReadDocument, build_document
from tasks.plans.formats.pdf_layout import PageItems, drop_running_text, join_tables, to_parts
from tasks.plans.formats.pdf_lines import PrintedLine, printed_lines
from tasks.plans.formats.pdf_page import PageTooBusy, read_page
from tasks.plans.formats.pdf_tables import PageTable, find_tables
from tasks.plans.parsed import PlanParseError

# A page with fewer characters than this carries no text layer worth reading (a scan may
# carry a stray page number or a stamp's text): when most pages are such, it is a scan.
SCANNED_PAGE_CHARS = 20
_TAIL = 4096  # where the end-of-file marker must be
_BLANKS = b"\x00\t\r\n\f "  # what may follow it
# pdfium keeps a loaded page's streams (a scan's page image) until its document is closed:
# reopened every so many pages, a 100-page scan's images are never all held at once
_PAGES_PER_OPEN = 10


def read(data: bytes, source: str) -> ReadDocument:
    _check_complete(data, source)
    pages, chars = _pages(data, source)
    if _scanned(chars):
        ocr = importlib.import_module("tasks.plans.formats.ocr")
        result: ReadDocument = ocr.read_pdf(data, source)
        return result
    drop_running_text(pages)
    return build_document(to_parts(join_tables(pages)), source)


def is_scan(data: bytes) -> bool:
    """Whether the PDF is a scan (its pages mostly without text), told from pdfium's character
    counts of its first pages without laying one out: a scan is read for minutes, not
    seconds. A PDF that cannot be opened, or has more pages than a plan, is not: its reader
    says why."""
    chars: list[int] = []
    try:
        with closing(_loaded_pages(data, "")) as pages:
            for page in islice(pages, _PAGES_PER_OPEN):
                text = page.get_textpage()
                chars.append(text.count_chars())
                text.close()
    except (PlanParseError, pdfium.PdfiumError):
        return False
    return _scanned(chars)


def _scanned(chars: list[int]) -> bool:
    return bool(chars) and sum(count < SCANNED_PAGE_CHARS for count in chars) > len(chars) / 2


def _check_complete(data: bytes, source: str) -> None:
    """A PDF ends with "%%EOF" (trailing blanks aside): pdfium would read what is left of a
    truncated file without a word, and the plan would silently lose its end."""
    # the end is stripped, not the file: a 50 MB scan copied for its last line is 50 MB more
    end = data[-_TAIL * 16 :].rstrip(_BLANKS)
    if len(end) < _TAIL < len(data):  # (nearly) all blanks at the end: the rest decides
        end = data.rstrip(_BLANKS)
    if b"%%EOF" not in end[-_TAIL:]:
        raise PlanParseError.one(
            source,
            "the PDF is incomplete (it does not end with an end-of-file marker): the file "
            "was probably cut short in a download or a copy; fetch it again",
        )


def _open(data: bytes, source: str) -> pdfium.PdfDocument:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            reason = (
                "the PDF is encrypted with a password: dondoc cannot read a protected file; "
                "save or export it again without a password"
            )
        elif getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_SECURITY:
            reason = "the PDF uses an encryption dondoc cannot read; export it again without it"
        else:
            reason = f"the PDF is damaged and cannot be read ({error})"
        raise PlanParseError.one(source, reason) from error
    limit = get_settings().max_pdf_pages
    count = len(document)
    if count > limit:
        document.close()
        raise PlanParseError.one(
            source, f"{count:,} pages, over the {limit:,}-page limit (DONDOC_MAX_PDF_PAGES)"
        )
    if count == 0:
        document.close()
        raise PlanParseError.one(source, "the PDF has no pages")
    return document


def _loaded_pages(data: bytes, source: str) -> Iterator[pdfium.PdfPage]:
    """Each page of the PDF, loaded; closed when the next is asked for, and its document
    when the loop ends or is left by an error."""
    document = _open(data, source)
    try:
        for index in range(len(document)):
            if index and index % _PAGES_PER_OPEN == 0:
                document.close()
                document = pdfium.PdfDocument(data)
            try:
                page = document[index]
            except pdfium.PdfiumError as error:
                reason = f"page {index + 1} cannot be read ({error})"
                raise PlanParseError.one(source, reason) from error
            try:
                yield page
            finally:
                page.close()
    finally:
        document.close()


def _pages(data: bytes, source: str) -> tuple[list[PageItems], list[int]]:
    """Each page's lines and tables, top to bottom, and how many characters it has."""
    pages: list[PageItems] = []
    chars: list[int] = []
    limit = get_settings().max_plan_chars  # the text's limit, checked as pages are read
    for index, page in enumerate(_loaded_pages(data, source)):
        try:
            read = read_page(page, index + 1)
        except PageTooBusy as error:
            raise PlanParseError.one(source, f"{error}: not a plan's page") from error
        chars.append(sum(len(word.text) for word in read.words))
        if sum(chars) > limit:
            raise PlanParseError.one(
                source,
                f"over {limit:,} characters by page {index + 1}, over the limit of a plan's "
                "text (DONDOC_MAX_PLAN_CHARS)",
            )
        tables = find_tables(read.rulings, read.words, read.number)
        items: list[PageTable | PrintedLine] = [*printed_lines(read.words, read.number), *tables]
        items.sort(key=lambda item: item.top)
        pages.append(PageItems(read.number, read.height, items))
    return pages, chars
