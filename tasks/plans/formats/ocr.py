"""Scans: images (PNG, JPEG, TIFF; each frame of a TIFF a page) and PDFs without a text layer,
read page by page with Tesseract's Vietnamese model. Each page is straightened, its table
rulings found and erased, and OCR'd; its words become lines and table cells (`ocr_page`), and
a table row a page break cut in two is joined again. Pages are streamed — a PDF page is
rendered (by a document opened for it alone), read and dropped before the next — so a
100-page scan holds one page at a time.

OCR's confidence in each line stays in the Document (low-confidence fields come from it)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from PIL import Image

from dondoc.core.settings import get_settings
from tasks.plans.formats.ocr_page import read_page
from tasks.plans.formats.parts import Line, Part, ReadDocument, Table, TableCell, build_document
from tasks.plans.formats.scan import DPI, MAX_PIXELS, MAX_SIDE, open_pages, prepare
from tasks.plans.formats.tesseract import program
from tasks.plans.parsed import PlanParseError

# used when the settings have no page limit of their own (DONDOC_MAX_PDF_PAGES)
MAX_PAGES = 500


def read(data: bytes, source: str) -> ReadDocument:
    """An image file (PNG, JPEG, TIFF), each frame a page."""
    program(source)
    return _read_pages(_limited(open_pages(data, source), source), source)


def read_pdf(data: bytes, source: str) -> ReadDocument:
    """A PDF without a text layer (a scan): each page rendered at 300 dpi and OCR'd."""
    program(source)
    return _read_pages(_limited(_pdf_pages(data, source), source), source)


def page_limit() -> int:
    limit = getattr(get_settings(), "max_pdf_pages", None)
    return limit if isinstance(limit, int) and limit > 0 else MAX_PAGES


def _limited(
    pages: Iterator[tuple[Image.Image, int]], source: str
) -> Iterator[tuple[Image.Image, int]]:
    limit = page_limit()
    for number, page in enumerate(pages, start=1):
        if number > limit:
            reason = f"over {limit:,} pages, more than a plan has (DONDOC_MAX_PDF_PAGES)"
            raise PlanParseError.one(source, reason)
        yield page


def _pdf_pages(data: bytes, source: str) -> Iterator[tuple[Image.Image, int]]:
    import pypdfium2 as pdfium  # loaded only for a scanned PDF

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise PlanParseError.one(source, f"the PDF cannot be opened: {error}") from error
    try:
        count = len(pdf)
        if count > page_limit():
            reason = f"{count:,} pages, over the {page_limit():,}-page limit (DONDOC_MAX_PDF_PAGES)"
            raise PlanParseError.one(source, reason)
        for index in range(count):
            if index:  # pdfium holds the streams (images) of each page loaded till it closes
                pdf.close()
                pdf = pdfium.PdfDocument(data)
            page = pdf[index]
            try:
                width, height = page.get_size()  # points
                scale = _scale(width, height)
                bitmap = page.render(scale=scale, grayscale=True)
                image = bitmap.to_pil().convert("L")
                bitmap.close()
            except pdfium.PdfiumError as error:
                reason = f"page {index + 1} cannot be rendered: {error}"
                raise PlanParseError.one(source, reason) from error
            finally:
                page.close()
            yield image, round(scale * 72)
    finally:
        pdf.close()


def _scale(width: float, height: float) -> float:
    """Pixels per point to render a page of `width` × `height` points at 300 dpi, less for a
    page so large it would pass the image limits (a poster, or a PDF that lies about it)."""
    scale = DPI / 72
    area = max(width * height, 1.0)
    if area * scale * scale > MAX_PIXELS or max(width, height) * scale > MAX_SIDE:
        scale = min((MAX_PIXELS / area) ** 0.5, MAX_SIDE / max(width, height, 1.0))
    return scale


def _read_pages(pages: Iterable[tuple[Image.Image, int]], source: str) -> ReadDocument:
    heads: set[str] = set()
    parts: list[Part] = []
    for number, (image, dpi) in enumerate(pages, start=1):
        page = prepare(image, number, dpi)
        del image
        found = read_page(page, source, heads)
        del page
        if parts and found:
            parts.append(Line("", number))  # a page ends a paragraph unless a table goes on
        _join_continued(parts, found)
    if not any(_has_text(part) for part in parts):
        raise PlanParseError.one(source, "no text found: OCR read nothing on the scan")
    return build_document(parts, source)


def _has_text(part: Part) -> bool:
    if isinstance(part, Table):
        return any(cell.paragraphs for row in part.rows for cell in row)
    return bool(part.text.strip())


def _join_continued(parts: list[Part], found: list[Part]) -> None:
    """Add a page's parts; a table that starts the page and goes on from the table that
    ended the last one (as many columns) is one table: a header row repeated on the new page
    is dropped, and a first row without a number in its first cell is the row the page break
    cut, joined to the row it continues."""
    previous = _last_table(parts)
    if previous is None or not found or not isinstance(found[0], Table):
        parts.extend(found)
        return
    table = found[0]
    if _columns(table) != _columns(previous[1]):
        parts.extend(found)
        return
    index, before = previous
    rows = list(table.rows)
    if rows and before.rows and _texts(rows[0]) == _texts(before.rows[0]):
        rows = rows[1:]  # the header row again
    joined = list(before.rows)
    if rows and joined and not rows[0][0].paragraphs and _same_shape(rows[0], joined[-1]):
        joined[-1] = tuple(_merge(a, b) for a, b in zip(joined[-1], rows[0], strict=True))
        rows = rows[1:]
    del parts[index:]  # the page-break Line after the old table
    parts.append(Table(tuple(joined + rows), before.page))
    parts.extend(found[1:])


def _last_table(parts: list[Part]) -> tuple[int, Table] | None:
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index]
        if isinstance(part, Table):
            return index, part
        if isinstance(part, Line) and not part.text:
            continue
        return None
    return None


def _columns(table: Table) -> int:
    return max((sum(cell.span for cell in row) for row in table.rows), default=0)


def _texts(row: tuple[TableCell, ...]) -> list[str]:
    return [" ".join(" ".join(cell.paragraphs).casefold().split()) for cell in row]


def _same_shape(a: tuple[TableCell, ...], b: tuple[TableCell, ...]) -> bool:
    return [cell.span for cell in a] == [cell.span for cell in b]


def _merge(above: TableCell, below: TableCell) -> TableCell:
    confidences = [c for c in (above.confidence, below.confidence) if c is not None]
    paragraphs = above.paragraphs + below.paragraphs
    confidence = min(confidences) if confidences else None
    return TableCell(paragraphs, above.span, confidence)
